import { createSync } from 'nango';
import { z } from 'zod';

import { toOrder } from '../helpers/orders.js';

const Order = z.object({
    id: z.string(),
    total_cents: z.number(),
    placed_at: z.string()
});

const CheckpointSchema = z.object({
    placed_after: z.string()
});

const sync = createSync({
    description: 'Orders placed since the last run',
    version: '1.0.0',
    frequency: 'every 30 minutes',
    autoStart: true,
    checkpoint: CheckpointSchema,
    models: { Order },
    exec: async (nango) => {
        const checkpoint = await nango.getCheckpoint();
        const placedAfter = checkpoint?.placed_after ?? '2020-01-01T00:00:00Z';
        const startedAt = new Date().toISOString();
        // https://docs.example-shop.com/api/orders#list
        const response = await nango.get({
            endpoint: '/orders',
            params: { placed_after: placedAfter },
            retries: 3
        });
        const rows: unknown[] = Array.isArray(response.data) ? response.data : [];
        await nango.batchSave(rows.map(toOrder), 'Order');
        await nango.saveCheckpoint({ placed_after: startedAt });
    }
});

export type NangoSyncLocal = Parameters<(typeof sync)['exec']>[0];
export default sync;
