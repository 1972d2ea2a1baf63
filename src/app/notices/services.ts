import type { AppDeps } from '../deps.ts';
import type { Clock } from '../ports.ts';
import type { Config } from '../../config.ts';
import { smtpEmailSender } from '../../adapters/notify/email/smtp-email.ts';
import { logEmailSender } from '../../adapters/notify/email/log-email.ts';
import { logSmsSender } from '../../adapters/notify/sms/log-sms.ts';
import { aliyunSmsSender } from '../../adapters/notify/sms/aliyun-sms.ts';
import { tencentSmsSender } from '../../adapters/notify/sms/tencent-sms.ts';
import type { ProviderTemplates } from '../../adapters/notify/sms/provider-templates.ts';
import type { EmailSender, NoticeServices, NoticeSettings, SmsSender } from './ports.ts';
import { loadNoticeSettings } from './settings.ts';

type Log = AppDeps['log'];

/**
 * Builds the notice channels from the environment (composition: meant to be called from
 * wiring.ts). Keys and secrets are read here and handed to the adapters; nothing logs them.
 *
 *   FENQI_SMS_PROVIDER      log (default) | aliyun | tencent
 *   FENQI_SMS_TEMPLATES     JSON {"due_today.zh-CN": "SMS_…", …}: the provider's approved template codes
 *   aliyun:  FENQI_ALIYUN_ACCESS_KEY_ID, FENQI_ALIYUN_ACCESS_KEY_SECRET, FENQI_ALIYUN_SMS_ENDPOINT (optional)
 *   tencent: FENQI_TENCENT_SECRET_ID, FENQI_TENCENT_SECRET_KEY, FENQI_TENCENT_SMS_APP_ID,
 *            FENQI_TENCENT_SMS_REGION (default ap-guangzhou), FENQI_TENCENT_SMS_ENDPOINT (optional)
 *   FENQI_SMTP_URL          smtp://user:pass@host:587 or smtps://…; without it email goes to the log
 *   FENQI_MAIL_FROM         From header (default "<brand> <no-reply@localhost>")
 */
export function buildNoticeServices(env: NodeJS.ProcessEnv, config: Pick<Config, 'publicUrl'>, clock: Clock, log: Log): NoticeServices {
  const settings = loadNoticeSettings(env, config);
  return { settings, senders: { sms: smsSenderFrom(env, settings, clock, log), email: emailSenderFrom(env, settings, log) } };
}

function smsSenderFrom(env: NodeJS.ProcessEnv, settings: NoticeSettings, clock: Clock, log: Log): SmsSender {
  const provider = env.FENQI_SMS_PROVIDER ?? 'log';
  const signName = settings.sms.signName;
  if (provider === 'log') return logSmsSender(log, signName);
  if (provider !== 'aliyun' && provider !== 'tencent') throw new Error(`FENQI_SMS_PROVIDER must be log, aliyun or tencent; got "${provider}"`);
  const templates = parseTemplates(env.FENQI_SMS_TEMPLATES);
  if (provider === 'aliyun') {
    return aliyunSmsSender({
      accessKeyId: required(env, 'FENQI_ALIYUN_ACCESS_KEY_ID'), accessKeySecret: required(env, 'FENQI_ALIYUN_ACCESS_KEY_SECRET'),
      signName, templates, ...(env.FENQI_ALIYUN_SMS_ENDPOINT ? { endpoint: env.FENQI_ALIYUN_SMS_ENDPOINT } : {}),
    }, clock);
  }
  return tencentSmsSender({
    secretId: required(env, 'FENQI_TENCENT_SECRET_ID'), secretKey: required(env, 'FENQI_TENCENT_SECRET_KEY'),
    sdkAppId: required(env, 'FENQI_TENCENT_SMS_APP_ID'), signName, templates,
    ...(env.FENQI_TENCENT_SMS_REGION ? { region: env.FENQI_TENCENT_SMS_REGION } : {}),
    ...(env.FENQI_TENCENT_SMS_ENDPOINT ? { endpoint: env.FENQI_TENCENT_SMS_ENDPOINT } : {}),
  }, clock);
}

function emailSenderFrom(env: NodeJS.ProcessEnv, settings: NoticeSettings, log: Log): EmailSender {
  if (!env.FENQI_SMTP_URL) return logEmailSender(log);
  return smtpEmailSender({ url: env.FENQI_SMTP_URL, from: env.FENQI_MAIL_FROM ?? `${settings.brand['zh-CN']} <no-reply@localhost>` });
}

function parseTemplates(text: string | undefined): ProviderTemplates {
  if (!text) throw new Error('FENQI_SMS_TEMPLATES is required with an SMS provider: a JSON map from notice kind (and locale) to the approved template code');
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { throw new Error('FENQI_SMS_TEMPLATES is not valid JSON'); }
  if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new Error('FENQI_SMS_TEMPLATES must map names to template codes (strings)');
  }
  return parsed as ProviderTemplates;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is required for the configured SMS provider`);
  return value;
}

/**
 * The notice services for a deps object: `deps.notices` once the composition root sets it
 * (see the note to the lead), else ones built from this process's environment the first
 * time they are asked for (log channels unless providers are configured). Tests and the
 * simulator set their own with useNoticeServices.
 */
export type NoticeDeps = AppDeps & { notices?: NoticeServices };
const byDeps = new WeakMap<AppDeps, NoticeServices>();

export function noticeServicesOf(deps: AppDeps): NoticeServices {
  const wired = (deps as NoticeDeps).notices;
  if (wired) return wired;
  let built = byDeps.get(deps);
  if (!built) {
    built = buildNoticeServices(process.env, deps.config, deps.clock, deps.log);
    byDeps.set(deps, built);
  }
  return built;
}

export function useNoticeServices(deps: AppDeps, services: NoticeServices): void {
  byDeps.set(deps, services);
  (deps as NoticeDeps).notices = services;
}
