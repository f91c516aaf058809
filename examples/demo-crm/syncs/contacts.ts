import { createSync } from 'nango';
import { z } from 'zod';

const Contact = z.object({
    id: z.string(),
    email: z.string().optional(),
    updated_at: z.string()
});

const CheckpointSchema = z.object({
    updated_after: z.string(),
    page: z.number()
});

const ProviderContact = z.object({
    id: z.union([z.string(), z.number()]),
    email: z.string().nullish(),
    updated_at: z.string()
});

const sync = createSync({
    description: 'Contacts changed since the last run, resumable page by page',
    version: '1.0.0',
    frequency: 'every hour',
    autoStart: true,
    checkpoint: CheckpointSchema,
    models: { Contact },
    exec: async (nango) => {
        const checkpoint = await nango.getCheckpoint();
        const updatedAfter = checkpoint?.updated_after ?? '1970-01-01T00:00:00Z';
        let page = checkpoint?.page ?? 1;
        const startedAt = new Date().toISOString();

        while (page > 0) {
            // https://developers.example-crm.com/reference/list-contacts
            const response = await nango.get({
                endpoint: '/v2/contacts',
                params: { updated_after: updatedAfter, page: String(page), per_page: '100' },
                retries: 3
            });
            const rows = z.array(ProviderContact).parse(response.data.contacts);
            await nango.batchSave(
                rows.map((row) => ({ id: String(row.id), updated_at: row.updated_at, ...(row.email ? { email: row.email } : {}) })),
                'Contact'
            );
            page = rows.length === 100 ? page + 1 : 0;
            await nango.saveCheckpoint({ updated_after: page === 0 ? startedAt : updatedAfter, page: page === 0 ? 1 : page });
        }
    }
});

export type NangoSyncLocal = Parameters<(typeof sync)['exec']>[0];
export default sync;
