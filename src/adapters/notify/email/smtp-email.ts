import { createTransport } from 'nodemailer';
import type { EmailMessage, EmailSender, SendResult } from '../../../app/notices/ports.ts';

export interface SmtpConfig {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465 (TLS from the start). */
  url: string;
  /** The From header, e.g. "Fenqi 分期 <no-reply@example.com>". */
  from: string;
  timeoutMs?: number;
  /** Loopback test servers only: do not try STARTTLS. Never set it for a real relay. */
  ignoreTls?: boolean;
}

/**
 * Email over real SMTP through nodemailer. SMTP tells us whether retrying can help: a 5xx
 * reply (no such mailbox, relaying denied, message refused) is permanent, while a 4xx
 * (greylisting, mailbox full, try later) or a connection that fails or times out is worth
 * another attempt after the backoff.
 */
export function smtpEmailSender(config: SmtpConfig): EmailSender {
  const timeout = config.timeoutMs ?? 15_000;
  const transport = createTransport({
    url: config.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout,
    ...(config.ignoreTls ? { ignoreTLS: true } : {}),
  });
  return {
    provider: 'smtp',
    async send(m: EmailMessage): Promise<SendResult> {
      try {
        const info = await transport.sendMail({
          from: config.from, to: m.to, subject: m.subject, text: m.text, html: m.html,
          // Our id in a header, so a bounce or a support question can be traced to the notice.
          headers: { 'X-Fenqi-Notice': m.reference },
        });
        if (info.rejected.length > 0) return { ok: false, provider: 'smtp', permanent: true, error: `recipient refused: ${String(info.response ?? '').slice(0, 200)}` };
        return { ok: true, provider: 'smtp', providerRef: info.messageId ?? null };
      } catch (e) {
        const error = e as { responseCode?: number; code?: string; message?: string };
        // An envelope error without a reply code is ours (no valid recipient address); with one, the code decides.
        const permanent = error.responseCode !== undefined ? error.responseCode >= 500 : error.code === 'EENVELOPE';
        return { ok: false, provider: 'smtp', permanent, error: `${error.code ?? 'error'}${error.responseCode ? ` ${error.responseCode}` : ''}: ${(error.message ?? String(e)).slice(0, 300)}` };
      }
    },
  };
}
