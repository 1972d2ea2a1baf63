import type { Kysely } from 'kysely';

/** Reserved slot: repayment path throughput (issue 3). Empty until its work lands. */
export async function up(_db: Kysely<any>): Promise<void> {}
