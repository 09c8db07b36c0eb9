/** A kept delivery as SkyLight's dashboard names it: its delivery id (the revision only where it has none) and event. */
export const deliveryName = (item: { readonly delivery_id: string | null; readonly event: string | null; readonly revision: number }): string =>
  `${item.delivery_id ?? `without an id (kept as #${item.revision})`} (${item.event ?? 'unknown event'})`;
