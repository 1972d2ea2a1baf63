import { createHash } from 'node:crypto';
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
    const agreement = await this.db.selectFrom('sandbox_agreements').select('status').where('agreement_no', '=', r.agreementNo).executeTakeFirst();
    if (!agreement || agreement.status !== 'active') return { state: 'agreement_revoked' };
    if (this.faults().insufficientFunds) return { state: 'insufficient_funds' };
    const tradeNo = `SBXD${r.outTradeNo.slice(0, 24).toUpperCase()}`;
    const now = this.clock.now();
    await this.db.insertInto('sandbox_trades').values({
      out_trade_no: r.outTradeNo, trade_no: tradeNo, amount_fen: r.amount, subject: r.subject, status: 'paid', created_at: now, paid_at: now, expires_at: now,
    }).onConflict((oc) => oc.column('out_trade_no').doNothing()).execute();
    this.afterPaid(r.outTradeNo);
    // The money has moved; the answer is lost on the way back.
    if (this.faults().timeout) throw new GatewayTimeout('sandbox');
    return { state: 'paid', amount: r.amount, gatewayRef: tradeNo };
  }
}
