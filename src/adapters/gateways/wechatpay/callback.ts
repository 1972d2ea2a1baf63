import type { RawNotification } from '../../../app/payments/ports.ts';
import type { WechatPayConfig } from './config.ts';
import { decryptResource, verifyWechatSignature } from './signature.ts';

/** A WeChat Pay v3 callback whose signature verified and whose resource decrypted under our APIv3 key. */
export type OpenedCallback =
  | { ok: true; eventType: string; originalType: string; plain: Record<string, any> }
  /** signatureValid: WeChat Pay really sent it (so a refusal is worth an alert), as in NotificationCheck. */
  | { ok: false; signatureValid: boolean; reason: string };

/**
 * Every v3 callback (payments, refunds, 委托代扣 contracts) has one envelope: signed over
 * `timestamp\nnonce\nbody\n` of the raw bytes, `resource` AEAD_AES_256_GCM-encrypted.
 * Opened here once, so the payment and the contract notifications cannot drift apart.
 */
export function openCallback(raw: RawNotification, now: Date, c: Pick<WechatPayConfig, 'platformKeys' | 'apiV3Key'>): OpenedCallback {
  const sig = verifyWechatSignature(raw.headers, raw.rawBody, c.platformKeys, now);
  if (!sig.ok) return { ok: false, signatureValid: false, reason: sig.reason };
  let event: { event_type?: string; resource?: { algorithm?: string; ciphertext?: string; nonce?: string; associated_data?: string; original_type?: string } };
  try { event = JSON.parse(raw.rawBody); } catch { return { ok: false, signatureValid: true, reason: 'body is not JSON' }; }
  const res = event.resource;
  if (!res || res.algorithm !== 'AEAD_AES_256_GCM' || typeof res.ciphertext !== 'string' || typeof res.nonce !== 'string') {
    return { ok: false, signatureValid: true, reason: 'no AEAD_AES_256_GCM resource' };
  }
  let plain: unknown;
  try { plain = JSON.parse(decryptResource({ ciphertext: res.ciphertext, nonce: res.nonce, associated_data: res.associated_data ?? '' }, c.apiV3Key)); } catch {
    return { ok: false, signatureValid: true, reason: 'resource does not decrypt with our APIv3 key' };
  }
  if (!plain || typeof plain !== 'object') return { ok: false, signatureValid: true, reason: 'resource is not a JSON object' };
  return { ok: true, eventType: event.event_type ?? '', originalType: res.original_type ?? '', plain: plain as Record<string, any> };
}
