import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { DEFAULT_WITHHOLDING, type WithholdingCodes } from './withholding.ts';

export interface AlipayConfig {
  appId: string;
  /** Our application private key (signs requests). */
  privateKey: KeyObject;
  /** Alipay's public key (verifies notifications and responses). */
  alipayPublicKey: KeyObject;
  /** Optional: our seller (merchant) id; when set, notifications for another seller are refused. */
  sellerId?: string;
  gatewayUrl: string;
  timeoutMs: number;
  /** 商户代扣 product codes and sign scene, as agreed with Alipay (defaults: GENERAL_WITHHOLDING). */
  withholding?: WithholdingCodes;
}

export const ALIPAY_GATEWAY = 'https://openapi.alipay.com/gateway.do';

/** A value from FENQI_X, or from the file named by FENQI_X_FILE. */
export function secretFromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) return readFileSync(file, 'utf8').trim();
  return env[name]?.trim() || undefined;
}

/** Accepts a PEM, or the bare base64 the Alipay console shows (PKCS#8 or PKCS#1). */
export function privateKeyFrom(text: string): KeyObject {
  if (text.includes('-----BEGIN')) return createPrivateKey(text);
  const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
  try { return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }); } catch { return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }); }
}

export function publicKeyFrom(text: string): KeyObject {
  if (text.includes('-----BEGIN')) return createPublicKey(text);
  return createPublicKey({ key: Buffer.from(text.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
}

/**
 * FENQI_ALIPAY_APP_ID, FENQI_ALIPAY_PRIVATE_KEY(_FILE), FENQI_ALIPAY_PUBLIC_KEY(_FILE),
 * FENQI_ALIPAY_SELLER_ID, FENQI_ALIPAY_GATEWAY. Absent app id: Alipay is not offered.
 * Keys are turned into KeyObjects at once and the text is not kept, so it cannot be logged.
 */
export function alipayConfigFromEnv(env: NodeJS.ProcessEnv): AlipayConfig | null {
  const appId = env.FENQI_ALIPAY_APP_ID?.trim();
  if (!appId) return null;
  const priv = secretFromEnv(env, 'FENQI_ALIPAY_PRIVATE_KEY');
  const pub = secretFromEnv(env, 'FENQI_ALIPAY_PUBLIC_KEY');
  if (!priv || !pub) throw new Error('FENQI_ALIPAY_APP_ID is set: FENQI_ALIPAY_PRIVATE_KEY and FENQI_ALIPAY_PUBLIC_KEY (or their _FILE forms) are required too');
  return {
    appId, privateKey: privateKeyFrom(priv), alipayPublicKey: publicKeyFrom(pub),
    ...(env.FENQI_ALIPAY_SELLER_ID ? { sellerId: env.FENQI_ALIPAY_SELLER_ID.trim() } : {}),
    gatewayUrl: env.FENQI_ALIPAY_GATEWAY?.trim() || ALIPAY_GATEWAY, timeoutMs: Number(env.FENQI_ALIPAY_TIMEOUT_MS ?? 10_000),
    withholding: {
      productCode: env.FENQI_ALIPAY_WITHHOLD_PRODUCT_CODE?.trim() || DEFAULT_WITHHOLDING.productCode,
      personalProductCode: env.FENQI_ALIPAY_WITHHOLD_PERSONAL_PRODUCT_CODE?.trim() || DEFAULT_WITHHOLDING.personalProductCode,
      signScene: env.FENQI_ALIPAY_WITHHOLD_SIGN_SCENE?.trim() || DEFAULT_WITHHOLDING.signScene,
    },
  };
}
