import Fastify, { type FastifyInstance } from 'fastify';
import type { AppDeps } from '../../src/app/deps.ts';
import type { EmailMessage, EmailSender, NoticeServices, NoticeSettings, SendResult, SmsMessage, SmsSender } from '../../src/app/notices/ports.ts';
import { defaultNoticeSettings } from '../../src/app/notices/settings.ts';
import { useNoticeServices } from '../../src/app/notices/services.ts';
import { noticeRoutes } from '../../src/adapters/http/routes/notices.ts';

export const PUBLIC_URL = 'http://fenqi.test';

/** A sender that records what it was given and answers from a script (default: accepted). */
export interface Capture<M> { sent: M[]; attempts: M[]; answer: (m: M) => SendResult }

export function captureSms(): SmsSender & Capture<SmsMessage> {
  const c: Capture<SmsMessage> = { sent: [], attempts: [], answer: () => ({ ok: true, provider: 'capture', providerRef: 'sms-ref' }) };
  return Object.assign(c, {
    provider: 'capture',
    async send(m: SmsMessage) { c.attempts.push(m); const r = c.answer(m); if (r.ok) c.sent.push(m); return r; },
  });
}

export function captureEmail(): EmailSender & Capture<EmailMessage> {
  const c: Capture<EmailMessage> = { sent: [], attempts: [], answer: () => ({ ok: true, provider: 'capture', providerRef: 'email-ref' }) };
  return Object.assign(c, {
    provider: 'capture',
    async send(m: EmailMessage) { c.attempts.push(m); const r = c.answer(m); if (r.ok) c.sent.push(m); return r; },
  });
}

export function testSettings(overrides: Partial<NoticeSettings> = {}): NoticeSettings {
  return { ...defaultNoticeSettings({ publicUrl: PUBLIC_URL }), ...overrides };
}

export function installNotices(deps: AppDeps, senders: { sms: SmsSender; email: EmailSender }, overrides: Partial<NoticeSettings> = {}): NoticeServices {
  const services = { settings: testSettings(overrides), senders };
  useNoticeServices(deps, services);
  return services;
}

/** The link pages on their own (the full server leaves /r/:token to the portal for now). */
export async function linkApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(noticeRoutes(deps));
  await app.ready();
  return app;
}

export const tokenIn = (text: string): string => {
  const m = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/r/([A-Za-z0-9_-]+)`).exec(text);
  if (!m) throw new Error(`no repayment link in: ${text}`);
  return m[1]!;
};

/** Shanghai wall time as an instant: shanghai('2026-02-07 21:00') */
export const shanghai = (text: string): Date => new Date(`${text.replace(' ', 'T')}${text.length === 16 ? ':00' : ''}+08:00`);
