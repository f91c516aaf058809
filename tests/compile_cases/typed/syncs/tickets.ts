import { createSync } from 'nango';
import { z } from 'zod';

const Ticket = z.object({
    id: z.number(),
    subject: z.string()
});

const CheckpointSchema = z.object({
    cursor: z.string().optional()
});

const sync = createSync({
    description: 'Support tickets, page by page',
    version: '1.0.0',
    frequency: 'every hour',
    autoStart: true,
    checkpoint: CheckpointSchema,
    models: { Ticket },
    exec: async (nango) => {
        const checkpoint = await nango.getCheckpoint<{ cursor: string }>();
        // https://docs.example-helpdesk.com/api/tickets#list
        const response = await nango.get({
            endpoint: '/tickets',
            params: { cursor: String(checkpoint?.['cursor'] ?? '') },
            retries: 3
        });
        await nango.batchSave([{ id: '1', subject: String(response.data) }], 'Ticket');
        await nango.saveCheckpoint({ cursor: 'next' });
    }
});

export type NangoSyncLocal = Parameters<(typeof sync)['exec']>[0];
export default sync;
