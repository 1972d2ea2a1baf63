import type { Notifier } from '../ports.ts';
import type { NoticeServices, SendResult } from '../notices/ports.ts';
import { defaultNoticeSettings } from '../notices/settings.ts';
import { useNoticeServices } from '../notices/services.ts';
import type { AppDeps } from '../deps.ts';

/**
 * Where the simulation's messages go: nowhere outside the process. Every SMS, email and
 * generic notification is counted by its reference (our notice id) or dedup key, so the
 * report can prove no notice reached a customer twice.
 */
export class NoticeCapture {
  /** Deliveries per notice reference (SMS and email): more than one is a duplicate. */
  readonly byReference = new Map<string, number>();
  /** Generic notifier messages (auto-debit failures and the like) per dedup key. */
  readonly byDedupKey = new Map<string, number>();
  messages = 0;

  private record(map: Map<string, number>, key: string): void {
    this.messages++;
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  services(deps: AppDeps): NoticeServices {
    const sent = (provider: string, reference: string): SendResult => {
      this.record(this.byReference, reference);
      return { ok: true, provider, providerRef: `sim-${reference}` };
    };
    return {
      settings: defaultNoticeSettings(deps.config),
      senders: {
        sms: { provider: 'simulated-sms', send: async (m) => sent('simulated-sms', m.reference) },
        email: { provider: 'simulated-email', send: async (m) => sent('simulated-email', m.reference) },
      },
    };
  }

  notifier(): Notifier {
    return { send: async (n) => this.record(this.byDedupKey, n.dedupKey ?? `${n.template}:${n.to}:${JSON.stringify(n.params)}`) };
  }

  install(deps: AppDeps): void {
    useNoticeServices(deps, this.services(deps));
  }

  duplicates(): string[] {
    const out: string[] = [];
    for (const [key, n] of [...this.byReference, ...this.byDedupKey]) if (n > 1) out.push(`${key} delivered ${n} times`);
    return out.sort();
  }
}
