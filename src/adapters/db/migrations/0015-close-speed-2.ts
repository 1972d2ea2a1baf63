import type { Kysely } from 'kysely';

/** Reserved slot: daily close at 1M plans (issue 5). Empty until its work lands. */
export async function up(_db: Kysely<any>): Promise<void> {}
