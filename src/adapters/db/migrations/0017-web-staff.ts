import type { Kysely } from 'kysely';

/** Reserved slot: console and dashboard staff and management (issue 7). Empty until its work lands. */
export async function up(_db: Kysely<any>): Promise<void> {}
