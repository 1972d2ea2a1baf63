import type { Selectable } from 'kysely';
import { domainError, type DomainError } from '../../../core/errors.ts';
import { err, ok, type Result } from '../../../core/result.ts';
import { outTradeNoOf, type GatewayName } from '../../../core/payments/payment-status.ts';
import type { AutodebitAttemptsTable } from '../../../adapters/db/schema.ts';
import { isUniqueViolation, type Db } from '../../../adapters/db/tx.ts';
import { audit } from '../../audit.ts';
import type { Actor } from '../../context.ts';
import type { AppDeps } from '../../deps.ts';
import { execute } from '../../execute.ts';
import { gatewayOf } from '../gateways.ts';
import { paymentsDb, type GatewayAgreementsTable } from '../tables.ts';

export type AgreementRow = Selectable<GatewayAgreementsTable>;
export type AttemptRow = Selectable<AutodebitAttemptsTable>;

/** The number a gateway knows an agreement by on our side (external_agreement_no, out_contract_code): its id in hex. */
export const externalNoOf = outTradeNoOf;

/**
 * 签约自动扣款: the customer signs an auto-debit agreement at the gateway, for one plan or
 * (planId absent) for all plans. The gateway call happens outside any transaction. The
 * sandbox signs at once; Alipay and WeChat Pay answer with a page where the customer signs
 * in the wallet, and the agreement stays 'signing' until the gateway's notification (or our
 * query when the customer comes back) says it is active. A signing the customer abandoned is
 * replaced by the next one. If an agreement cannot be recorded (one already active), it is
 * cancelled at the gateway again — the compensation for the signing step.
 */
export async function signAgreement(deps: AppDeps, actor: Actor, input: { customerId: string; planId?: string; gateway: GatewayName }): Promise<Result<AgreementRow, DomainError>> {
  const gw = gatewayOf(deps, input.gateway);
  if (!gw.ok) return gw;
  const gateway = gw.value;
  if (!gateway.signAgreement || !gateway.debit) return err(domainError('gateway_not_configured', `auto-debit through ${input.gateway} is not available`, 'gateway'));
  if (input.planId) {
    const plan = await deps.db.selectFrom('plans').select('status').where('customer_id', '=', input.customerId).where('id', '=', input.planId).executeTakeFirst();
    if (!plan || plan.status !== 'active') return err(domainError('plan_not_found', 'no open plan with that id for this customer', 'planId'));
  }
  if (await activeAgreement(deps.db, input.customerId, input.planId ?? null)) return err(domainError('conflict', 'auto-debit is already set up for this'));
  const id = deps.ids.next();
  let signed;
  try {
    signed = await gateway.signAgreement({
      customerRef: input.customerId, externalNo: externalNoOf(id),
      notifyUrl: `${deps.config.publicUrl}/v1/payments/agreements/notify/${input.gateway}`, returnUrl: `${deps.config.publicUrl}/`,
    });
  } catch {
    return err(domainError('gateway_unavailable', `${input.gateway} is not answering; try again later`));
  }
  try {
    const r = await execute(deps, actor, async (ctx) => {
      const db = paymentsDb(ctx.tx);
      await db.updateTable('autodebit_agreements').set({ status: 'failed', ended_at: ctx.at, end_reason: 'signing abandoned' })
        .where('customer_id', '=', input.customerId).where('status', '=', 'signing').where('plan_id', input.planId ? '=' : 'is', input.planId ?? null).execute();
      const row: AgreementRow = {
        customer_id: input.customerId, id, plan_id: input.planId ?? null, gateway: input.gateway, agreement_no: 'agreementNo' in signed ? signed.agreementNo : '',
        status: 'agreementNo' in signed ? 'active' : 'signing', sign_url: 'signUrl' in signed ? signed.signUrl : null,
        created_at: ctx.at, signed_at: 'agreementNo' in signed ? ctx.at : null, ended_at: null, end_reason: null,
      };
      await db.insertInto('autodebit_agreements').values(row).execute();
      await audit(ctx, 'autodebit.sign', `autodebit:${row.id}`, { planId: row.plan_id, gateway: row.gateway, status: row.status });
      return ok(row);
    });
    if (!r.ok) return r;
    return r.replayed ? err(domainError('conflict', 'unexpected replay')) : ok(r.value);
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    if ('agreementNo' in signed) await gateway.cancelAgreement?.(signed.agreementNo, externalNoOf(id)).catch(() => undefined);
    return err(domainError('conflict', 'auto-debit is already set up for this'));
  }
}

/** 解约: the customer cancels; the gateway is told too (best effort: a debit under a cancelled agreement is never attempted by Fenqi). */
export async function cancelAgreement(deps: AppDeps, actor: Actor, customerId: string, agreementId: string): Promise<Result<AgreementRow, DomainError>> {
  const r = await execute(deps, actor, async (ctx) => {
    const row = await paymentsDb(ctx.tx).updateTable('autodebit_agreements').set({ status: 'cancelled', ended_at: ctx.at, end_reason: 'cancelled by the customer' })
      .where('customer_id', '=', customerId).where('id', '=', agreementId).where('status', 'in', ['active', 'signing']).returningAll().executeTakeFirst();
    if (!row) return err(domainError('not_found', 'no active auto-debit agreement with that id'));
    await audit(ctx, 'autodebit.cancel', `autodebit:${agreementId}`, {});
    return ok(row);
  });
  if (!r.ok) return r;
  if (r.replayed) return err(domainError('conflict', 'unexpected replay'));
  const gw = gatewayOf(deps, r.value.gateway);
  if (gw.ok && r.value.agreement_no) {
    await gw.value.cancelAgreement?.(r.value.agreement_no, externalNoOf(r.value.id)).catch((e) => deps.log(`autodebit cancel at ${r.value.gateway} failed: ${(e as Error).message}`));
  }
  return ok(r.value);
}

export async function activeAgreement(db: Db, customerId: string, planId: string | null): Promise<AgreementRow | undefined> {
  let q = paymentsDb(db).selectFrom('autodebit_agreements').selectAll().where('customer_id', '=', customerId).where('status', '=', 'active');
  q = planId ? q.where('plan_id', '=', planId) : q.where('plan_id', 'is', null);
  return q.executeTakeFirst();
}

/** Agreements, and 扣款记录 (every attempt: time, amount, result, reason), newest first. */
export async function autoDebitRecord(db: Db, customerId: string, limit = 50): Promise<{ agreements: AgreementRow[]; attempts: AttemptRow[] }> {
  const agreements = await paymentsDb(db).selectFrom('autodebit_agreements').selectAll().where('customer_id', '=', customerId).orderBy('created_at', 'desc').execute();
  const attempts = await db.selectFrom('autodebit_attempts').selectAll().where('customer_id', '=', customerId).orderBy('scheduled_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return { agreements, attempts };
}
