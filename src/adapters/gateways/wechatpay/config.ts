import { readFileSync } from 'node:fs';
import { X509Certificate, type KeyObject } from 'node:crypto';
import { privateKeyFrom, publicKeyFrom, secretFromEnv } from '../alipay/config.ts';

/** A WeChat Pay platform key and the window in which it may be used. */
export interface PlatformKey { key: KeyObject; notBefore?: Date; notAfter?: Date }

export interface WechatPayConfig {
  mchid: string;
  appid: string;
  /** The APIv3 key (32 characters): decrypts callback resources. */
  apiV3Key: Buffer;
  /** Our merchant API private key and its certificate serial (signs requests). */
  merchantPrivateKey: KeyObject;
  merchantSerial: string;
  /**
   * Keys that verify WeChat Pay's signatures, by the serial sent in Wechatpay-Serial:
   * platform certificates (serial = the certificate's serial number) and/or the WeChat Pay
   * public key (serial = its id, "PUB_KEY_ID_…"). Both modes can be configured during a switch.
   */
  platformKeys: Map<string, PlatformKey>;
  baseUrl: string;
  timeoutMs: number;
}

export const WECHATPAY_BASE_URL = 'https://api.mch.weixin.qq.com';

export const normaliseSerial = (serial: string): string => serial.trim().toUpperCase();

/** Certificate mode: the key and validity of a platform certificate, under its serial number. */
export function platformKeyFromCertificate(pem: string): [string, PlatformKey] {
  const cert = new X509Certificate(pem);
  return [normaliseSerial(cert.serialNumber), { key: cert.publicKey, notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) }];
}

/** Public-key mode: the WeChat Pay public key under its id. */
export function platformKeyFromPublicKey(id: string, pem: string): [string, PlatformKey] {
  return [normaliseSerial(id), { key: publicKeyFrom(pem) }];
}

/**
 * FENQI_WECHATPAY_MCHID, _APPID, _APIV3_KEY(_FILE), _PRIVATE_KEY(_FILE), _MERCHANT_SERIAL,
 * _PLATFORM_CERTS (comma-separated certificate files) and/or _PUBLIC_KEY(_FILE) with
 * _PUBLIC_KEY_ID, _BASE_URL. Absent mchid: WeChat Pay is not offered.
 */
export function wechatPayConfigFromEnv(env: NodeJS.ProcessEnv): WechatPayConfig | null {
  const mchid = env.FENQI_WECHATPAY_MCHID?.trim();
  if (!mchid) return null;
  const need = (name: string): string => {
    const v = secretFromEnv(env, name) ?? env[name]?.trim();
    if (!v) throw new Error(`FENQI_WECHATPAY_MCHID is set: ${name} is required too`);
    return v;
  };
  const apiV3Key = Buffer.from(need('FENQI_WECHATPAY_APIV3_KEY'), 'utf8');
  if (apiV3Key.length !== 32) throw new Error('FENQI_WECHATPAY_APIV3_KEY must be 32 bytes');
  const platformKeys = new Map<string, PlatformKey>();
  for (const file of (env.FENQI_WECHATPAY_PLATFORM_CERTS ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [serial, key] = platformKeyFromCertificate(readFileSync(file, 'utf8'));
    platformKeys.set(serial, key);
  }
  const pub = secretFromEnv(env, 'FENQI_WECHATPAY_PUBLIC_KEY');
  if (pub) {
    const [id, key] = platformKeyFromPublicKey(need('FENQI_WECHATPAY_PUBLIC_KEY_ID'), pub);
    platformKeys.set(id, key);
  }
  if (platformKeys.size === 0) throw new Error('WeChat Pay needs FENQI_WECHATPAY_PLATFORM_CERTS or FENQI_WECHATPAY_PUBLIC_KEY to verify its callbacks');
  return {
    mchid, appid: need('FENQI_WECHATPAY_APPID'), apiV3Key, merchantPrivateKey: privateKeyFrom(need('FENQI_WECHATPAY_PRIVATE_KEY')),
    merchantSerial: need('FENQI_WECHATPAY_MERCHANT_SERIAL'), platformKeys,
    baseUrl: env.FENQI_WECHATPAY_BASE_URL?.trim() || WECHATPAY_BASE_URL, timeoutMs: Number(env.FENQI_WECHATPAY_TIMEOUT_MS ?? 10_000),
  };
}
