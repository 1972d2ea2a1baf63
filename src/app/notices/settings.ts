import type { Config } from '../../config.ts';
import { DEFAULT_QUIET_HOURS, parseQuietHours } from '../../core/notices/quiet-hours.ts';
import { DEFAULT_NOTICE_RULES, DEFAULT_RETRY_POLICY, parseNoticeRules } from '../../core/notices/rules.ts';
import type { NoticeSettings } from './ports.ts';

/**
 * Notice settings from the environment. A bad value stops start-up with a message naming
 * the variable: a reminder silently sent with a default the operator did not want is worse.
 *
 *   FENQI_NOTICE_RULES      JSON overrides per kind, e.g. {"due_today":{"channels":["sms"]},"bill_ready":{"enabled":false}}
 *   FENQI_QUIET_HOURS       "21:00-08:00" (default) or "off"; Asia/Shanghai; SMS only
 *   FENQI_NOTICE_RETRY_MS   comma-separated waits between attempts on one channel (default 60000,300000,1800000)
 *   FENQI_PORTAL_PAY_PATH   the portal's pay page for a bill (default /portal/pay?dueDate={dueDate}, the portal's pay page)
 *   FENQI_PORTAL_LOGIN_PATH the portal's login page (default /login)
 *   FENQI_LINK_MODE         page (default: /r/:token shows the amount due) or redirect (303 to the portal path)
 *   FENQI_BRAND / FENQI_BRAND_EN   the name in texts (default 分期 / Fenqi)
 *   FENQI_SMS_SIGN_NAME     the provider signature, counted in SMS length (default: FENQI_BRAND)
 *   FENQI_SMS_COUNT         cn (default: mainland 70/67 counting) or gsm (GSM-7/UCS-2)
 *   FENQI_SMS_MAX_SEGMENTS  longest SMS allowed, in billed parts (default 3)
 */
export function loadNoticeSettings(env: NodeJS.ProcessEnv, config: Pick<Config, 'publicUrl'>): NoticeSettings {
  const rules = parseNoticeRules(env.FENQI_NOTICE_RULES ? parseJsonEnv(env.FENQI_NOTICE_RULES, 'FENQI_NOTICE_RULES') : undefined);
  if (!rules.ok) throw new Error(`FENQI_NOTICE_RULES: ${rules.error.message}`);
  const quiet = env.FENQI_QUIET_HOURS ? parseQuietHours(env.FENQI_QUIET_HOURS) : { ok: true as const, value: DEFAULT_QUIET_HOURS };
  if (!quiet.ok) throw new Error(`FENQI_QUIET_HOURS: ${quiet.error.message}`);
  const retry = env.FENQI_NOTICE_RETRY_MS ? env.FENQI_NOTICE_RETRY_MS.split(',').map((s) => Number(s.trim())) : [...DEFAULT_RETRY_POLICY.backoffMs];
  if (retry.some((ms) => !Number.isInteger(ms) || ms < 1_000 || ms > 86_400_000)) throw new Error('FENQI_NOTICE_RETRY_MS: waits must be whole milliseconds from 1000 to 86400000');
  const payPathTemplate = env.FENQI_PORTAL_PAY_PATH ?? '/portal/pay?dueDate={dueDate}';
  if (!/^\/[A-Za-z0-9/_.?=&-]*\{dueDate\}[A-Za-z0-9/_.?=&-]*$/.test(payPathTemplate)) throw new Error('FENQI_PORTAL_PAY_PATH must be a path on this site containing {dueDate}, like /repay?due={dueDate}');
  const loginPath = env.FENQI_PORTAL_LOGIN_PATH ?? '/login';
  if (!/^\/[A-Za-z0-9/_.-]*$/.test(loginPath)) throw new Error('FENQI_PORTAL_LOGIN_PATH must be a path on this site, like /login');
  const linkMode = env.FENQI_LINK_MODE ?? 'page';
  if (linkMode !== 'page' && linkMode !== 'redirect') throw new Error('FENQI_LINK_MODE must be page or redirect');
  const countMode = env.FENQI_SMS_COUNT ?? 'cn';
  if (countMode !== 'cn' && countMode !== 'gsm') throw new Error('FENQI_SMS_COUNT must be cn or gsm');
  const maxSegments = Number(env.FENQI_SMS_MAX_SEGMENTS ?? 3);
  if (!Number.isInteger(maxSegments) || maxSegments < 1 || maxSegments > 10) throw new Error('FENQI_SMS_MAX_SEGMENTS must be 1 to 10');
  const brand = { 'zh-CN': env.FENQI_BRAND ?? '分期', en: env.FENQI_BRAND_EN ?? 'Fenqi' };
  return {
    rules: rules.value, retry: { backoffMs: retry }, quietHours: quiet.value, publicUrl: config.publicUrl.replace(/\/+$/, ''),
    payPathTemplate, loginPath, linkMode, brand, sms: { signName: env.FENQI_SMS_SIGN_NAME ?? brand['zh-CN'], countMode, maxSegments },
    emailVerificationHours: 48,
  };
}

export function defaultNoticeSettings(config: Pick<Config, 'publicUrl'>): NoticeSettings {
  return loadNoticeSettings({}, config);
}

export { DEFAULT_NOTICE_RULES };

function parseJsonEnv(text: string, name: string): unknown {
  try { return JSON.parse(text); } catch { throw new Error(`${name} is not valid JSON`); }
}
