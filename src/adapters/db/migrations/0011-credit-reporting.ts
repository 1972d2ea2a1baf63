import type { Kysely } from 'kysely';

/** Reserved slot: credit reporting exports and corrections (issue 5). Empty until its work lands. */
export async function up(_db: Kysely<any>): Promise<void> {}
