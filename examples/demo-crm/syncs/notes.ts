import { createSync } from 'nango';
import { z } from 'zod';

const Note = z.object({ id: z.string(), body: z.string() });

// A checkpoint that is read and saved but never changes the request: not incremental at all.
export default createSync({
    description: 'Notes (a broken example)',
    version: '1.0.0',
    frequency: 'every day',
    checkpoint: z.object({ cursor: z.string() }),
    models: { Note },
    exec: async (nango) => {
        const checkpoint = await nango.getCheckpoint();
        await nango.log(`last cursor was ${checkpoint?.cursor}`);
        // https://developers.example-crm.com/reference/list-notes
        for await (const page of nango.paginate<{ id: string; body: string }>({ endpoint: '/v2/notes', retries: 3 })) {
            await nango.batchSave(page, 'Note');
        }
        await nango.saveCheckpoint({ cursor: 'done' });
    }
});
