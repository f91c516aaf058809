import { createSync } from 'nango';
import { z } from 'zod';

const Deal = z.object({ id: z.string(), name: z.string() });

// This sync breaks several of Nango's non-negotiable rules on purpose: run `nango-lint examples/` to see them.
export default createSync({
    description: 'Deals (a broken example)',
    version: '1.0.0',
    frequency: 'every hour',
    autoStart: true,
    syncType: 'incremental',
    checkpoint: z.object({ modified_after: z.string() }),
    models: { Deal },
    exec: async (nango) => {
        const checkpoint = await nango.getCheckpoint();
        await nango.trackDeletesStart('Deal');
        const response = await nango.get({
            endpoint: '/v2/deals',
            params: { modified_after: checkpoint?.modified_after ?? '' },
            retries: 10
        });
        await nango.batchSave(response.data.deals, 'Deal');
        const since = nango.lastSyncDate;
        await nango.log(`previous run: ${since}`);
        await nango.saveCheckpoint({ modified_after: new Date().toISOString() });
        await nango.trackDeletesEnd('Deal');
    }
});
