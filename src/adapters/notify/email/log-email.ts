import type { EmailMessage, EmailSender, SendResult } from '../../../app/notices/ports.ts';
import { maskEmail } from '../../../core/notices/scrub.ts';

/**
 * Development default when no SMTP server is configured: the email goes to the server log
 * (address masked) so the demo store's reminders and their links can be followed by hand.
 */
export function logEmailSender(log: (message: string, fields?: Record<string, unknown>) => void): EmailSender {
  return {
    provider: 'log',
    async send(m: EmailMessage): Promise<SendResult> {
      log(`email → ${maskEmail(m.to)}: ${m.subject}\n${m.text}`, { notice: m.reference });
      return { ok: true, provider: 'log', providerRef: null };
    },
  };
}
