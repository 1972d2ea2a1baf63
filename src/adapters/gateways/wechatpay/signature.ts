import { createDecipheriv, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import { normaliseSerial, type PlatformKey } from './config.ts';

/** WeChat Pay rejects, and so do we, a signed message more than 5 minutes from now. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Verifies WeChat Pay's signature on a callback or an API answer: RSA-SHA256 (PKCS#1 v1.5)
 * over `timestamp\nnonce\nbody\n` of the exact bytes received, with the platform key that
 * Wechatpay-Serial names (certificate serial or public-key id), within its validity and
 * within 5 minutes of our clock.
 */
export function verifyWechatSignature(
  headers: Record<string, string | undefined>, rawBody: string, keys: Map<string, PlatformKey>, now: Date,
): SignatureCheck {
  const timestamp = headers['wechatpay-timestamp'];
  const nonce = headers['wechatpay-nonce'];
  const signature = headers['wechatpay-signature'];
  const serial = headers['wechatpay-serial'];
  const type = headers['wechatpay-signature-type'];
  if (!timestamp || !nonce || !signature || !serial) return { ok: false, reason: 'missing Wechatpay-* headers' };
  if (type !== undefined && type !== 'WECHATPAY2-SHA256-RSA2048') return { ok: false, reason: `signature type ${type} not accepted` };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad timestamp' };
  if (Math.abs(now.getTime() - Number(timestamp) * 1000) > MAX_CLOCK_SKEW_MS) return { ok: false, reason: 'timestamp more than 5 minutes off' };
  const platform = keys.get(normaliseSerial(serial));
  if (!platform) return { ok: false, reason: `unknown Wechatpay-Serial ${serial.slice(0, 40)}` };
  if ((platform.notBefore && now < platform.notBefore) || (platform.notAfter && now > platform.notAfter)) return { ok: false, reason: 'platform certificate not valid now' };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return { ok: false, reason: 'bad signature encoding' };
  let valid = false;
  try { valid = createVerify('RSA-SHA256').update(`${timestamp}\n${nonce}\n${rawBody}\n`, 'utf8').verify(platform.key, signature, 'base64'); } catch { valid = false; }
  return valid ? { ok: true } : { ok: false, reason: 'bad signature' };
}

/** AEAD_AES_256_GCM under the APIv3 key: ciphertext is base64 of (encrypted ‖ 16-byte tag). */
export function decryptResource(r: { ciphertext: string; nonce: string; associated_data?: string }, apiV3Key: Buffer): string {
  const data = Buffer.from(r.ciphertext, 'base64');
  if (data.length <= 16) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', apiV3Key, Buffer.from(r.nonce, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(r.associated_data ?? '', 'utf8'));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

/** The Authorization header of a request to WeChat Pay (WECHATPAY2-SHA256-RSA2048). */
export function authorization(o: { mchid: string; serial: string; key: KeyObject; method: string; pathWithQuery: string; body: string; now: Date }): string {
  const nonce = randomBytes(16).toString('hex');
  const timestamp = Math.floor(o.now.getTime() / 1000).toString();
  const signature = createSign('RSA-SHA256').update(`${o.method}\n${o.pathWithQuery}\n${timestamp}\n${nonce}\n${o.body}\n`, 'utf8').sign(o.key, 'base64');
  return `WECHATPAY2-SHA256-RSA2048 mchid="${o.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${o.serial}"`;
}
