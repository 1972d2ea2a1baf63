import { sql, type Kysely } from 'kysely';

/**
 * Customer identity. The per-IP limit on one-time codes counts a client's codes in the last
 * hour; without this index each request would scan every code stored. Partial: codes from
 * system actors carry no IP.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index otp_codes_ip on otp_codes (ip, created_at) where ip is not null`.execute(db);
}
