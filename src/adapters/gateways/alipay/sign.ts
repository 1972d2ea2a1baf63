import { createSign, createVerify, type KeyObject } from 'node:crypto';

export type Params = Record<string, string>;

/**
 * Alipay's content to sign (OpenAPI 2.0, 自行实现验签): every parameter with a non-empty
 * value except the excluded ones, sorted by name (ASCII), as `name=value` joined by `&`,
 * values as received (already form-decoded), not re-encoded.
 */
export function signContent(params: Params, exclude: readonly string[]): string {
  return Object.keys(params).filter((k) => !exclude.includes(k) && params[k] !== undefined && params[k] !== '')
    .sort().map((k) => `${k}=${params[k]}`).join('&');
}

/** RSA2 = SHA256withRSA (PKCS#1 v1.5), base64. */
export function rsa2Sign(content: string, key: KeyObject): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(key, 'base64');
}

export function rsa2Verify(content: string, signature: string, key: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  try { return createVerify('RSA-SHA256').update(content, 'utf8').verify(key, signature, 'base64'); } catch { return false; }
}

/**
 * Verifies an asynchronous notification. Alipay's documentation signs everything except
 * `sign` and `sign_type`; its official SDKs also accept the form that keeps `sign_type`
 * (rsaCheckV2), so both are tried — with SHA256 only: a message that says RSA (SHA1) is
 * refused before any check, whatever its signature.
 */
export function verifyNotifySignature(params: Params, key: KeyObject): boolean {
  const sign = params.sign;
  if (!sign || params.sign_type !== 'RSA2') return false;
  return rsa2Verify(signContent(params, ['sign', 'sign_type']), sign, key) || rsa2Verify(signContent(params, ['sign']), sign, key);
}

/** Alipay's timestamps: "yyyy-MM-dd HH:mm:ss" in Beijing time (UTC+8). */
export function beijingTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The exact text of `<method>_response` in a gateway response, which is what Alipay signs
 * (re-serialising the parsed JSON would change it). Null when it is not there.
 */
export function responseSignedText(raw: string, responseKey: string): string | null {
  const start = raw.indexOf(`"${responseKey}"`);
  if (start < 0) return null;
  const open = raw.indexOf('{', start + responseKey.length + 2);
  if (open < 0) return null;
  let depth = 0;
  let inString = false;
  for (let i = open; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return raw.slice(open, i + 1);
  }
  return null;
}

/**
 * A notification's form, verified: its parameters (each once: a repeated one could be read
 * differently by us and by the signature check) when the RSA2 signature holds, else why not.
 */
export function verifiedNotifyForm(rawBody: string, key: KeyObject): { ok: true; params: Params } | { ok: false; reason: string } {
  const params: Params = {};
  for (const [k, v] of new URLSearchParams(rawBody)) {
    if (k in params) return { ok: false, reason: `parameter ${k} repeated` };
    params[k] = v;
  }
  return verifyNotifySignature(params, key) ? { ok: true, params } : { ok: false, reason: 'bad or missing RSA2 signature' };
}
