export type ShopOrder = {
    id: string;
    total_cents: number;
    placed_at: string;
};

export function toOrder(raw: unknown): ShopOrder {
    const row = (raw ?? {}) as Record<string, unknown>;
    return {
        id: String(row['id']),
        total_cents: Number(row['total_cents'] ?? 0),
        placed_at: String(row['placed_at'] ?? '')
    };
}
