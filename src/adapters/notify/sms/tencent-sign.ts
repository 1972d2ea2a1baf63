import { createHash, createHmac } from 'node:crypto';

/**
 * Tencent Cloud API 3.0 signature (TC3-HMAC-SHA256), as documented ("签名方法 v3"):
 *  CanonicalRequest = METHOD \n / \n query \n canonical headers \n signed headers \n hex(sha256(body))
 *    canonical headers: lower-case name:trimmed value, one per line (with its \n), sorted by name;
 *  StringToSign = "TC3-HMAC-SHA256" \n timestamp \n date/service/tc3_request \n hex(sha256(CanonicalRequest))
 *    date is the UTC date of the timestamp (not Beijing's: a request at 00:30 CST is still yesterday);
 *  key = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request");
 *  Authorization = "TC3-HMAC-SHA256 Credential=SecretId/scope, SignedHeaders=…, Signature=hex(HMAC(key, StringToSign))".
 * The documented CVM example (timestamp 1551113065) signs to 72e494ea…5168 and is one of the tests.
 */
export interface Tc3Input {
  secretId: string;
  secretKey: string;
  service: string;
  /** Unix seconds (X-TC-Timestamp). */
  timestamp: number;
  method: 'POST' | 'GET';
  /** Headers to sign, by name (any case); must include content-type and host. */
  headers: Readonly<Record<string, string>>;
  payload: string;
  query?: string;
}

export interface Tc3Signed { authorization: string; signature: string; canonicalRequest: string; stringToSign: string; signedHeaders: string }

const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, msg: string): Buffer => createHmac('sha256', key).update(msg, 'utf8').digest();

export function tc3Sign(input: Tc3Input): Tc3Signed {
  const entries = Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v.trim().toLowerCase()] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = entries.map(([k, v]) => `${k}:${v}\n`).join('');
  const signedHeaders = entries.map(([k]) => k).join(';');
  const canonicalRequest = [input.method, '/', input.query ?? '', canonicalHeaders, signedHeaders, sha256Hex(input.payload)].join('\n');
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(input.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(`TC3${input.secretKey}`, date), input.service), 'tc3_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  const authorization = `TC3-HMAC-SHA256 Credential=${input.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { authorization, signature, canonicalRequest, stringToSign, signedHeaders };
}
