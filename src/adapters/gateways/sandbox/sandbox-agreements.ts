import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/tx.ts';
import type { Clock } from '../../../app/ports.ts';
import type { DebitRequest, DebitResult } from '../../../app/payments/ports.ts';
import { GatewayTimeout, type SandboxFaults } from './faults.ts';

/**
 * The sandbox's side of auto-debit (代扣): agreements the customer signs at the "gateway"
 * and can revoke there (as in the Alipay or WeChat app), and debits that honour the fault
 * switches: insufficient funds, a timeout after the money has moved, lost or doubled
 * notifications.
 */
export class SandboxAgreements {
  constructor(private readonly db: Db, private readonly clock: Clock, private readonly faults: () => SandboxFaults,
    private readonly afterPaid: (outTradeNo: string) => void) {}

  async sign(customerRef: string): Promise<{ agreementNo: string }> {
    if (this.faults().timeout) throw new GatewayTimeout('sandbox');
    const agreementNo = `SBXA${createHash('sha256').update(`${customerRef}:${this.clock.now().getTime()}:${Math.random()}`).digest('hex').slice(0, 24).toUpperCase()}`;
    await this.db.insertInto('sandbox_agreements').values({ agreement_no: agreementNo, status: 'active', created_at: this.clock.now() }).execute();
    return { agreementNo };
  }

  /** The customer revokes the agreement in their wallet app: Fenqi learns of it at the next debit. */
  async revoke(agreementNo: string): Promise<void> {
    await this.db.updateTable('sandbox_agreements').set({ status: 'revoked' }).where('agreement_no', '=', agreementNo).execute();
  }

  async debit(r: DebitRequest): Promise<DebitResult> {
    if (this.faults().insufficientFunds) {
      const agreement = await this.db.selectFrom('sandbox_agreements').select('status').where('agreement_no', '=', r.agreementNo).executeTakeFirst();
      return !agreement || agreement.status !== 'active' ? { state: 'agreement_revoked' } : { state: 'insufficient_funds' };
    }
    const tradeNo = `SBXD${r.outTradeNo.slice(0, 24).toUpperCase()}`;
    const now = this.clock.now();
    // One statement: the agreement's status, and the paid trade written only under an active agreement.
    const { rows } = await sql<{ status: string }>`
      with a as (select status from sandbox_agreements where agreement_no = ${r.agreementNo}),
      t as (insert into sandbox_trades (out_trade_no, trade_no, amount_fen, subject, status, created_at, paid_at, expires_at)
        select ${r.outTradeNo}::text, ${tradeNo}::text, ${r.amount}::bigint, ${r.subject}::text, 'paid', ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
        from a where a.status = 'active'
        on conflict (out_trade_no) do nothing)
      select status from a`.execute(this.db);
    if (rows[0]?.status !== 'active') return { state: 'agreement_revoked' };
    this.afterPaid(r.outTradeNo);
    // The money has moved; the answer is lost on the way back.
    if (this.faults().timeout) throw new GatewayTimeout('sandbox');
    return { state: 'paid', amount: r.amount, gatewayRef: tradeNo };
  }
}
