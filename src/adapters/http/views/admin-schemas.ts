import { Type, type TSchema } from 'typebox';
import { Money, ProblemSchema } from '../schemas.ts';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../../../app/admin/paging.ts';

/** Schemas shared by the operator routes. */

export const Uuid = Type.String({ format: 'uuid', examples: ['0192f0c8-5c2a-7000-8000-000000000001'] });
export const Timestamp = Type.String({ format: 'date-time', examples: ['2026-01-05T02:00:00.000Z'] });
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const Reason = Type.String({ minLength: 4, maxLength: 500, description: 'why; kept in the audit log', examples: ['customer reported the phone stolen'] });
export const Security = [{ bearer: [] }];
/** Money (a yuan string) with its own description. */
export const MoneyThat = (description: string) => Type.String({ pattern: (Money as unknown as { pattern: string }).pattern, description: `yuan: ${description}`, examples: ['20000.00'] });

/** Problem responses for the given statuses (each with a stable `code`). */
export function problems<const S extends number>(...statuses: S[]): Record<S, typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema])) as Record<S, typeof ProblemSchema>;
}

/** Query strings are not coerced (coerceTypes is off), so the limit is a digit string checked by pattern: 1–200. */
export const PageQuery = {
  limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]|[1-9][0-9]|1[0-9][0-9]|200)$', description: `page size, 1–${PAGE_LIMIT_MAX} (default ${PAGE_LIMIT_DEFAULT})`, examples: ['50'] })),
  cursor: Type.Optional(Type.String({ format: 'uuid', description: 'nextCursor from the previous page' })),
};
export const pageInput = (q: { limit?: string; cursor?: string }) => ({ ...(q.limit ? { limit: Number(q.limit) } : {}), ...(q.cursor ? { cursor: q.cursor } : {}) });

export const Paged = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String({ description: 'pass as cursor for the next page; null on the last' })) });

export const iso = (d: Date | string): string => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
export const isoOrNull = (d: Date | string | null): string | null => (d === null ? null : iso(d));
