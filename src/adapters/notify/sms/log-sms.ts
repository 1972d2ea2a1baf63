import { maskPhonesIn } from '../../../core/privacy/mask.ts';
import { withSignature } from '../../../core/notices/sms-length.ts';
import type { SendResult, SmsMessage, SmsSender } from '../../../app/notices/ports.ts';

/**
 * Development default when no SMS provider is configured: the text, as the handset would
 * show it, goes to the server log with the number masked (PIPL: no full numbers in logs).
 */
export function logSmsSender(log: (message: string, fields?: Record<string, unknown>) => void, signName: string): SmsSender {
  return {
    provider: 'log',
    async send(m: SmsMessage): Promise<SendResult> {
      log(maskPhonesIn(`sms → ${m.to}: ${withSignature(m.text, signName)}`), { notice: m.reference, template: `${m.template.kind}.${m.template.locale}` });
      return { ok: true, provider: 'log', providerRef: null };
    },
  };
}
