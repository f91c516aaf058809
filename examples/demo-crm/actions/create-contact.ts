import { createAction } from 'nango';
import { z } from 'zod';

const InputSchema = z.object({
    email: z.string().describe('Email address of the new contact. Example: "ada@example.com"'),
    first_name: z.string().optional()
});

const OutputSchema = z.object({
    id: z.string().describe('Id of the created contact. Example: "1042"')
});

const action = createAction({
    description: 'Create a contact',
    version: '1.0.0',
    input: InputSchema,
    output: OutputSchema,
    exec: async (nango, input) => {
        // https://developers.example-crm.com/reference/create-contact
        const response = await nango.post({
            endpoint: '/v2/contacts',
            data: { email: input.email, first_name: input.first_name },
            retries: 0 // a create is not idempotent: never retry it blindly
        });
        const parsed = z.object({ id: z.union([z.string(), z.number()]) }).parse(response.data);
        return { id: String(parsed.id) };
    }
});

export type NangoActionLocal = Parameters<(typeof action)['exec']>[0];
export default action;
