/** What decides which version of a record is current: ordering, then the earlier receipt loses, then the versionId. */
export interface Rank {
  readonly ordering: number;
  readonly receivedAt: string;
  readonly versionId: string;
}

/** Total order, so that concurrent pushes all agree on the winner. */
export function outranks(a: Rank, b: Rank): boolean {
  if (a.ordering !== b.ordering) return a.ordering > b.ordering;
  if (a.receivedAt !== b.receivedAt) return a.receivedAt > b.receivedAt;
  return a.versionId > b.versionId;
}
