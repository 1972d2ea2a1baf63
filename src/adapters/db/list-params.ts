import { sql, type RawBuilder } from 'kysely';

/**
 * A list parameter as an array whose row estimate does not depend on its values. PostgreSQL
 * estimates `= any($1::uuid[])` or `unnest($1::uuid[])` from the array itself when it plans a
 * prepared statement for one execution's values (a custom plan), but as 10 elements in the
 * generic plan. So for lists under 10 (most batches) the custom plan always looks cheaper, and
 * a statement was planned again on every execution: 0.3–0.5 ms of database CPU for the book
 * read, 0.4–0.65 ms for a batch's write statement (BENCHMARKS.md, sessions 6 and 7). Through
 * ARRAY(subquery) both plans see 10 elements, and after five executions PostgreSQL keeps the
 * generic plan. `col = any(stableList(…))` is still an index condition.
 */
export function stableList(values: readonly string[], type: 'uuid' | 'text'): RawBuilder<unknown> {
  return type === 'uuid' ? sql`array(select unnest(${values}::uuid[]))` : sql`array(select unnest(${values}::text[]))`;
}
