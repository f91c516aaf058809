import { createAction } from 'nango';
import { z } from 'zod';

// Missing doc link, an unbounded retry count and a named value export: run nango-lint to see them.
export const OutputSchema = z.object({ id: z.string(), name: z.string() });

export default createAction({
    description: 'Get the account (a broken example)',
    version: '1.0.0',
    input: z.object({}),
    output: OutputSchema,
    exec: async (nango, _input) => {
        const response = await nango.get({ endpoint: '/v2/account', retries: 8 });
        return { id: String(response.data.id), name: String(response.data.name) };
    }
});
