import type { Kysely } from 'kysely';

/** Reserved slot: collections queue, contacts, promises, hardship plans (issue 6). Empty until its work lands. */
export async function up(_db: Kysely<any>): Promise<void> {}
