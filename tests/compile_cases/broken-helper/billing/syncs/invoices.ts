import { createSync } from 'nango';
import { z } from 'zod';

import { invoiceFrom } from '../helpers/invoices.js';

const Invoice = z.object({
    id: z.string(),
    amount: z.number()
});

const sync = createSync({
    description: 'All invoices (full refresh: the API has no change filter)',
    version: '1.0.0',
    frequency: 'every day',
    autoStart: true,
    models: { Invoice },
    exec: async (nango) => {
        // https://docs.example-billing.com/api/invoices#list
        const response = await nango.get({ endpoint: '/invoices', retries: 3 });
        const rows: unknown[] = Array.isArray(response.data) ? response.data : [];
        await nango.batchSave(rows.map(invoiceFrom), 'Invoice');
    }
});

export type NangoSyncLocal = Parameters<(typeof sync)['exec']>[0];
export default sync;
