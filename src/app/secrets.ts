import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../adapters/db/tx.ts';

/**
 * The deployment's signing secret (repayment links, phone lookup hashes). From
 * FENQI_SIGNING_SECRET in production; for the embedded default it is generated once and
 * kept in the data folder's database so links survive a restart.
 */
export async function loadSigningSecret(db: Db, fromEnv: string | undefined, at: Date): Promise<string> {
  if (fromEnv) return fromEnv;
  const row = await db.selectFrom('system_state').select('value').where('key', '=', 'signing_secret').executeTakeFirst();
  if (typeof row?.value === 'string') return row.value;
  const secret = randomBytes(32).toString('base64url');
  await db.insertInto('system_state').values({ key: 'signing_secret', value: JSON.stringify(secret), updated_at: at })
    .onConflict((oc) => oc.column('key').doNothing()).execute();
  const stored = await db.selectFrom('system_state').select('value').where('key', '=', 'signing_secret').executeTakeFirstOrThrow();
  return stored.value as string;
}

/**
 * Phone numbers are looked up by keyed hash: a plain SHA-256 of an 11-digit number can be
 * reversed by trying every number, an HMAC under the deployment secret cannot.
 */
export function phoneHash(secret: string, phone: string): string {
  return createHmac('sha256', secret).update(`phone:${phone}`).digest('hex');
}
