import type { SmsMessage } from '../../../app/notices/ports.ts';

/**
 * Chinese SMS providers send only pre-registered, reviewed templates: a deployment registers
 * each of our texts (core/notices/templates.ts, smsTemplateText) and maps the result here,
 * as JSON: {"due_today.zh-CN": "SMS_123456", "due_today.en": "SMS_123457", "due_today": "…"}.
 * The kind alone is the fallback for any locale.
 */
export type ProviderTemplates = Readonly<Record<string, string>>;

export function templateCodeFor(templates: ProviderTemplates, m: SmsMessage): string | null {
  return templates[`${m.template.kind}.${m.template.locale}`] ?? templates[m.template.kind] ?? null;
}

/** Reads a provider's HTTP answer as JSON; a body that is not JSON yields null (a proxy's error page, a truncated reply). */
export async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try { return JSON.parse(text); } catch { return null; }
}

export function describeNetworkError(e: unknown, timeoutMs: number): string {
  const error = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return (error.cause?.code ?? error.cause?.message ?? error.message ?? String(e)).slice(0, 300);
}
