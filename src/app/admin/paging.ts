/**
 * Keyset paging for operator listings. Ids are UUIDv7 (time-sortable), so "newest first,
 * after this id" pages stay stable while rows are being appended, unlike OFFSET.
 */
export interface PageInput { limit?: number; cursor?: string }
export interface Page<T> { items: T[]; nextCursor: string | null }

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 200;

export const pageLimit = (input: PageInput): number => Math.min(Math.max(input.limit ?? PAGE_LIMIT_DEFAULT, 1), PAGE_LIMIT_MAX);

/** Queries fetch one row more than the limit; that extra row says whether a next page exists. */
export function pageOf<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items.at(-1)!.id : null };
}
