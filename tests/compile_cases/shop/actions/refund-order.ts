import { createAction } from 'nango';
import { z } from 'zod';

const Input = z.object({
    order_id: z.string(),
    amount_cents: z.number()
});

const Output = z.object({
    refund_id: z.string(),
    status: z.string()
});

const action = createAction({
    description: 'Refund part or all of an order',
    version: '1.0.0',
    input: Input,
    output: Output,
    exec: async (nango, input) => {
        // https://docs.example-shop.com/api/refunds#create
        const response = await nango.post({
            endpoint: `/orders/${input.order_id}/refunds`,
            data: { amount: input.amount_cents },
            retries: 0
        });
        const body = z.object({ id: z.string(), status: z.string() }).parse(response.data);
        return { refund_id: body.id, status: body.status };
    }
});

export type NangoActionLocal = Parameters<(typeof action)['exec']>[0];
export default action;
