import { sql, type Kysely } from 'kysely';

/**
 * Staff sessions (issue 7). Agents and operators sign in to the console and the dashboard with
 * their API key once; the browser then holds a session token instead of the key, so a cookie
 * that leaks (a shared computer, a proxy log) ends with the session — at sign-out, after a
 * working day, or when the key is revoked — and the long-lived key never sits in a browser.
 * Only the token's SHA-256 is stored, as for customers' sessions. Not customer-owned: keyed by
 * the token it is looked up by, like `sessions`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table staff_sessions (
    token_hash text primary key,
    api_key_id uuid not null references api_keys(id),
    surface text not null check (surface in ('console', 'dashboard')),
    ip text,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    revoked_at timestamptz
  )`.execute(db);
  // Revoking a key ends its sessions by the join in authenticate(); this index serves listing them.
  await sql`create index staff_sessions_key on staff_sessions (api_key_id, created_at)`.execute(db);
}
