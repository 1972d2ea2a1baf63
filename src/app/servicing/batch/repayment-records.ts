import { sql, type RawBuilder } from 'kysely';
import type { BusinessDate } from '../../../core/calendar/business-date.ts';
import { maskPhonesIn } from '../../../core/privacy/mask.ts';
import type { Tx } from '../../../adapters/db/tx.ts';
import { actorRef } from '../../audit.ts';
import type { Actor } from '../../context.ts';
import type { EventTopic } from '../../events.ts';

/**
 * The rows a batch of repayments appends, gathered in memory and written by one statement:
 * repayments, allocations, payoff waivers, outbox events with their webhook deliveries, and
 * audit records. Row formats are those of the one-at-a-time writers (app/audit.ts,
 * app/events.ts), which stay the reference: the audit actor is kind:id[:role] and details are
 * masked; an event body is { id, topic, createdAt, businessDate, data }.
 */
export class RepaymentRecords {
  private readonly repayments: unknown[] = [];
  private readonly allocations: unknown[] = [];
  private readonly waivers: unknown[] = [];
  private readonly events: unknown[] = [];
  private readonly audits: unknown[] = [];

  constructor(private readonly at: Date, private readonly businessDate: BusinessDate, private readonly nextId: () => string) {}

  repayment(r: {
    customerId: string; id: string; planId: string | null; kind: string; amount: number; applied: number; toCreditBalance: number;
    charges: number; channel: string; externalRef: string | null;
  }): void {
    this.repayments.push([r.customerId, r.id, r.planId, r.kind, r.amount, r.applied, r.toCreditBalance, r.charges, r.channel, r.externalRef]);
  }

  allocation(customerId: string, repaymentId: string, seq: number, planId: string, installmentNumber: number, component: string, amount: number): void {
    this.allocations.push([customerId, repaymentId, seq, planId, installmentNumber, component, amount]);
  }

  /** A payoff waiver (not-yet-earned interest and fees forgiven when a plan is paid off early). */
  payoffWaiver(customerId: string, repaymentId: string, actor: Actor, planId: string, installmentNumber: number, component: string, amount: number): void {
    this.waivers.push([customerId, this.nextId(), planId, installmentNumber, component, amount, repaymentId, `${actor.kind}:${actor.id}`]);
  }

  event(topic: EventTopic, ref: { merchantId: string | null; customerId: string | null }, data: Record<string, unknown>): string {
    const id = this.nextId();
    const body = { id, topic, createdAt: this.at.toISOString(), businessDate: this.businessDate, data };
    this.events.push([id, topic, ref.merchantId, ref.customerId, body, this.nextId()]);
    return id;
  }

  audit(actor: Actor, action: string, target: string | null, details: Record<string, unknown>): void {
    this.audits.push([this.nextId(), actorRef(actor), action, target, actor.ip ?? null, maskPhonesIn(JSON.stringify(details))]);
  }

  /**
   * The INSERTs, as fragments for one statement (see one-statement.ts). Empty lists insert
   * nothing, so the statement has one shape whatever the batch holds and is prepared once.
   * A delivery's foreign key to its event is checked when the statement ends.
   */
  writes(): RawBuilder<unknown>[] {
    const at = this.at;
    const bd = this.businessDate;
    const deliveries = this.events.map((e) => { const [id, , merchantId, , , deliveryId] = e as unknown[]; return [deliveryId, id, merchantId]; });
    return [
      sql`insert into repayments (customer_id, id, plan_id, kind, amount_fen, applied_fen, to_credit_balance_fen, charges_fen, channel, external_ref, status, business_date, created_at)
        select (r->>0)::uuid, (r->>1)::uuid, (r->>2)::uuid, r->>3, (r->>4)::bigint, (r->>5)::bigint, (r->>6)::bigint, (r->>7)::bigint, r->>8, r->>9,
          'posted', ${bd}::date, ${at}::timestamptz
        from jsonb_array_elements(${JSON.stringify(this.repayments)}::jsonb) as r`,
      sql`insert into allocations (customer_id, repayment_id, seq, plan_id, installment_number, component, amount_fen)
        select (a->>0)::uuid, (a->>1)::uuid, (a->>2)::int, (a->>3)::uuid, (a->>4)::int, a->>5, (a->>6)::bigint
        from jsonb_array_elements(${JSON.stringify(this.allocations)}::jsonb) as a`,
      sql`insert into waivers (customer_id, id, plan_id, installment_number, component, amount_fen, source, reason, repayment_id, actor, business_date, created_at)
        select (w->>0)::uuid, (w->>1)::uuid, (w->>2)::uuid, (w->>3)::int, w->>4, (w->>5)::bigint, 'payoff', 'early payoff: not yet earned',
          (w->>6)::uuid, w->>7, ${bd}::date, ${at}::timestamptz
        from jsonb_array_elements(${JSON.stringify(this.waivers)}::jsonb) as w`,
      sql`insert into events (id, topic, merchant_id, customer_id, payload, created_at)
        select (e->>0)::uuid, e->>1, (e->>2)::uuid, (e->>3)::uuid, e->4, ${at}::timestamptz
        from jsonb_array_elements(${JSON.stringify(this.events)}::jsonb) as e`,
      // A pending webhook delivery for each event whose merchant has an endpoint.
      sql`insert into webhook_deliveries (id, event_id, merchant_id, url, status, next_attempt_at, created_at)
        select (d->>0)::uuid, (d->>1)::uuid, m.id, m.webhook_url, 'pending', ${at}::timestamptz, ${at}::timestamptz
        from jsonb_array_elements(${JSON.stringify(deliveries)}::jsonb) as d join merchants as m on m.id = (d->>2)::uuid
        where m.webhook_url is not null`,
      sql`insert into audit_log (id, at, actor, action, target, ip, details)
        select (x->>0)::uuid, ${at}::timestamptz, x->>1, x->>2, x->>3, x->>4, (x->>5)::jsonb
        from jsonb_array_elements(${JSON.stringify(this.audits)}::jsonb) as x`,
    ];
  }
}
