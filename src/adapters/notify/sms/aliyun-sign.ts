import { createHmac } from 'node:crypto';

/**
 * Aliyun's RPC request signature (签名机制, SignatureVersion 1.0, HMAC-SHA1), as documented
 * for Dysmsapi:
 *  1. every parameter except Signature, sorted by name;
 *  2. name and value percent-encoded per RFC 3986 (UTF-8; unreserved A-Z a-z 0-9 - _ . ~ stay,
 *     so a space is %20, never +, * is %2A and ~ stays ~), joined as name=value with &;
 *  3. StringToSign = METHOD & percentEncode("/") & percentEncode(canonicalized query);
 *  4. Signature = Base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign)).
 * The documented example (testId/testSecret, SendSms, 2017-07-12T02:42:19Z) signs to
 * zJDF+Lrzhj/ThnlvIToysFRq6t4= and is one of the tests.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalizedQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params).filter((k) => k !== 'Signature').sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k]!)}`).join('&');
}

export function aliyunStringToSign(method: 'GET' | 'POST', params: Readonly<Record<string, string>>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalizedQuery(params))}`;
}

export function aliyunSignature(accessKeySecret: string, method: 'GET' | 'POST', params: Readonly<Record<string, string>>): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(aliyunStringToSign(method, params), 'utf8').digest('base64');
}
