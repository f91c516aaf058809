export type Invoice = {
    id: string;
    amount: number;
};

export function invoiceFrom(raw: unknown): Invoice {
    const row = (raw ?? {}) as Record<string, unknown>;
    const amount: number = String(row['amount']);
    return { id: String(row['id']), amount };
}
