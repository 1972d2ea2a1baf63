import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../app/ports.ts';
import type { SendResult, SmsMessage, SmsSender } from '../../../app/notices/ports.ts';
import { aliyunSignature, canonicalizedQuery, percentEncode } from './aliyun-sign.ts';
import { describeNetworkError, readJson, templateCodeFor, type ProviderTemplates } from './provider-templates.ts';

export interface AliyunSmsConfig {
  accessKeyId: string;
  accessKeySecret: string;
  /** The approved signature (签名), without brackets. */
  signName: string;
  templates: ProviderTemplates;
  /** Default https://dysmsapi.aliyuncs.com/ (tests point it at a local endpoint). */
  endpoint?: string;
  regionId?: string;
  timeoutMs?: number;
}

export const ALIYUN_SMS_ENDPOINT = 'https://dysmsapi.aliyuncs.com/';

/**
 * Error codes after which the same message may go through later: flow control (per number
 * per minute/hour/day limits) and the provider's own trouble. Everything else — an invalid
 * number, an unapproved template or signature, a bad key — will fail again, so the
 * dispatcher falls back to the next channel at once.
 */
const TRANSIENT = /^(isv\.BUSINESS_LIMIT_CONTROL|Throttling.*|ServiceUnavailable|InternalError|isp\.SYSTEM_ERROR|isp\.RAM_PERMISSION_DENY_TEMPORARY)$/;

/** Aliyun SMS (Dysmsapi 2017-05-25, SendSms), signed RPC over HTTPS POST with a form body. */
export function aliyunSmsSender(config: AliyunSmsConfig, clock: Clock, nonce: () => string = randomUUID): SmsSender {
  const endpoint = config.endpoint ?? ALIYUN_SMS_ENDPOINT;
  const timeoutMs = config.timeoutMs ?? 10_000;
  const fail = (permanent: boolean, error: string): SendResult => ({ ok: false, provider: 'aliyun', permanent, error });
  return {
    provider: 'aliyun',
    async send(m: SmsMessage): Promise<SendResult> {
      const templateCode = templateCodeFor(config.templates, m);
      if (!templateCode) return fail(true, `no Aliyun template registered for ${m.template.kind}.${m.template.locale}`);
      const params: Record<string, string> = {
        AccessKeyId: config.accessKeyId, Action: 'SendSms', Format: 'JSON', OutId: m.reference, PhoneNumbers: m.to,
        RegionId: config.regionId ?? 'cn-hangzhou', SignName: config.signName, SignatureMethod: 'HMAC-SHA1', SignatureNonce: nonce(),
        SignatureVersion: '1.0', TemplateCode: templateCode, TemplateParam: JSON.stringify(m.template.params),
        // ISO 8601 in UTC without milliseconds, as the API requires.
        Timestamp: clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'), Version: '2017-05-25',
      };
      const body = `${canonicalizedQuery(params)}&Signature=${percentEncode(aliyunSignature(config.accessKeySecret, 'POST', params))}`;
      let res: Response;
      try {
        res = await fetch(endpoint, {
          method: 'POST', body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        });
      } catch (e) {
        return fail(false, describeNetworkError(e, timeoutMs));
      }
      const json = (await readJson(res)) as { Code?: string; Message?: string; BizId?: string } | null;
      if (json?.Code === 'OK') return { ok: true, provider: 'aliyun', providerRef: json.BizId ?? null };
      const code = json?.Code ?? `HTTP ${res.status}`;
      const transient = json?.Code ? TRANSIENT.test(json.Code) : res.status >= 500 || res.status === 429;
      return fail(!transient, `${code}: ${(json?.Message ?? '').slice(0, 200)}`);
    },
  };
}
