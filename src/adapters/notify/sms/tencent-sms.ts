import type { Clock } from '../../../app/ports.ts';
import type { SendResult, SmsMessage, SmsSender } from '../../../app/notices/ports.ts';
import { describeNetworkError, readJson, templateCodeFor, type ProviderTemplates } from './provider-templates.ts';
import { tc3Sign } from './tencent-sign.ts';

export interface TencentSmsConfig {
  secretId: string;
  secretKey: string;
  /** SmsSdkAppId of the SMS application. */
  sdkAppId: string;
  signName: string;
  /** Template ids, keyed `${kind}.${locale}` or `${kind}`. */
  templates: ProviderTemplates;
  /** Default https://sms.tencentcloudapi.com/ (tests point it at a local endpoint). */
  endpoint?: string;
  region?: string;
  timeoutMs?: number;
}

export const TENCENT_SMS_ENDPOINT = 'https://sms.tencentcloudapi.com/';
const CONTENT_TYPE = 'application/json; charset=utf-8';

/** Errors worth another try later: the platform's own trouble and request-rate limits. Anything else fails again the same way. */
const TRANSIENT = /^(InternalError(\..*)?|RequestLimitExceeded(\..*)?|ResourceUnavailable(\..*)?|FailedOperation\.(TimeOut|RequestTimeOut))$/;

interface TencentAnswer {
  Response?: {
    Error?: { Code?: string; Message?: string };
    SendStatusSet?: { Code?: string; Message?: string; SerialNo?: string }[];
  };
}

/** Tencent Cloud SMS (SendSms, API version 2021-01-11), JSON over HTTPS POST, signed with TC3-HMAC-SHA256. */
export function tencentSmsSender(config: TencentSmsConfig, clock: Clock): SmsSender {
  const endpoint = config.endpoint ?? TENCENT_SMS_ENDPOINT;
  const timeoutMs = config.timeoutMs ?? 10_000;
  const fail = (permanent: boolean, error: string): SendResult => ({ ok: false, provider: 'tencent', permanent, error });
  return {
    provider: 'tencent',
    async send(m: SmsMessage): Promise<SendResult> {
      const templateId = templateCodeFor(config.templates, m);
      if (!templateId) return fail(true, `no Tencent template registered for ${m.template.kind}.${m.template.locale}`);
      const payload = JSON.stringify({
        PhoneNumberSet: [`+86${m.to}`], SmsSdkAppId: config.sdkAppId, SignName: config.signName, TemplateId: templateId,
        TemplateParamSet: m.template.paramOrder.map((name) => m.template.params[name] ?? ''), SessionContext: m.reference,
      });
      const timestamp = Math.floor(clock.now().getTime() / 1000);
      // fetch sets Host from the URL, so the signed host is the URL's (with a port for a local endpoint).
      const host = new URL(endpoint).host;
      const signed = tc3Sign({
        secretId: config.secretId, secretKey: config.secretKey, service: 'sms', timestamp, method: 'POST', payload,
        headers: { 'content-type': CONTENT_TYPE, host, 'x-tc-action': 'SendSms' },
      });
      let res: Response;
      try {
        res = await fetch(endpoint, {
          method: 'POST', body: payload, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
          headers: {
            authorization: signed.authorization, 'content-type': CONTENT_TYPE, 'x-tc-action': 'SendSms',
            'x-tc-version': '2021-01-11', 'x-tc-timestamp': String(timestamp), 'x-tc-region': config.region ?? 'ap-guangzhou',
          },
        });
      } catch (e) {
        return fail(false, describeNetworkError(e, timeoutMs));
      }
      const json = (await readJson(res)) as TencentAnswer | null;
      const error = json?.Response?.Error;
      if (error?.Code) return fail(!TRANSIENT.test(error.Code), `${error.Code}: ${(error.Message ?? '').slice(0, 200)}`);
      const status = json?.Response?.SendStatusSet?.[0];
      if (status?.Code === 'Ok') return { ok: true, provider: 'tencent', providerRef: status.SerialNo ?? null };
      if (status?.Code) return fail(!TRANSIENT.test(status.Code), `${status.Code}: ${(status.Message ?? '').slice(0, 200)}`);
      return fail(!(res.status >= 500 || res.status === 429), `HTTP ${res.status}: unexpected answer`);
    },
  };
}
