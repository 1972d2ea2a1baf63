import type { Selectable } from 'kysely';
import { domainError, type DomainError } from '../../../core/errors.ts';
import { err, ok, type Result } from '../../../core/result.ts';
import type { GatewayName } from '../../../core/payments/payment-status.ts';
import type { AutodebitAgreementsTable, AutodebitAttemptsTable } from '../../../adapters/db/schema.ts';
import { isUniqueViolation, type Db } from '../../../adapters/db/tx.ts';
import { audit } from '../../audit.ts';
import type { Actor } from '../../context.ts';
import type { AppDeps } from '../../deps.ts';
import { execute } from '../../execute.ts';
import { gatewayOf } from '../gateways.ts';

export type AgreementRow = Selectable<AutodebitAgreementsTable>;
export type AttemptRow = Selectable<AutodebitAttemptsTable>;

/**
 * 签约自动扣款: the customer signs an auto-debit agreement at the gateway, for one plan or
 * (planId absent) for all plans. The gateway call happens outside any transaction; if the
 * agreement cannot be recorded afterwards (one already active), it is cancelled at the
 * gateway again — the compensation for the signing step.
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
  let agreementNo: string;
  try { ({ agreementNo } = await gateway.signAgreement(input.customerId)); } catch {
    return err(domainError('gateway_unavailable', `${input.gateway} is not answering; try again later`));
  }
  try {
    const r = await execute(deps, actor, async (ctx) => {
      const row: AgreementRow = {
        customer_id: input.customerId, id: ctx.deps.ids.next(), plan_id: input.planId ?? null, gateway: input.gateway, agreement_no: agreementNo,
        status: 'active', created_at: ctx.at, ended_at: null, end_reason: null,
      };
      await ctx.tx.insertInto('autodebit_agreements').values(row).execute();
      await audit(ctx, 'autodebit.sign', `autodebit:${row.id}`, { planId: row.plan_id, gateway: row.gateway });
      return ok(row);
    });
    if (!r.ok) return r;
    return ok(r.replayed ? (await activeAgreement(deps.db, input.customerId, input.planId ?? null))! : r.value);
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    await gateway.cancelAgreement?.(agreementNo).catch(() => undefined);
    return err(domainError('conflict', 'auto-debit is already set up for this'));
  }
}

/** 解约: the customer cancels; the gateway is told too (best effort: a debit under a cancelled agreement is never attempted by Fenqi). */
export async function cancelAgreement(deps: AppDeps, actor: Actor, customerId: string, agreementId: string): Promise<Result<AgreementRow, DomainError>> {
  const r = await execute(deps, actor, async (ctx) => {
    const row = await ctx.tx.updateTable('autodebit_agreements').set({ status: 'cancelled', ended_at: ctx.at, end_reason: 'cancelled by the customer' })
      .where('customer_id', '=', customerId).where('id', '=', agreementId).where('status', '=', 'active').returningAll().executeTakeFirst();
    if (!row) return err(domainError('not_found', 'no active auto-debit agreement with that id'));
    await audit(ctx, 'autodebit.cancel', `autodebit:${agreementId}`, {});
    return ok(row);
  });
  if (!r.ok) return r;
  if (r.replayed) return err(domainError('conflict', 'unexpected replay'));
  const gw = gatewayOf(deps, r.value.gateway);
  if (gw.ok) await gw.value.cancelAgreement?.(r.value.agreement_no).catch((e) => deps.log(`autodebit cancel at ${r.value.gateway} failed: ${(e as Error).message}`));
  return ok(r.value);
}

export async function activeAgreement(db: Db, customerId: string, planId: string | null): Promise<AgreementRow | undefined> {
  let q = db.selectFrom('autodebit_agreements').selectAll().where('customer_id', '=', customerId).where('status', '=', 'active');
  q = planId ? q.where('plan_id', '=', planId) : q.where('plan_id', 'is', null);
  return q.executeTakeFirst();
}

/** Agreements, and 扣款记录 (every attempt: time, amount, result, reason), newest first. */
export async function autoDebitRecord(db: Db, customerId: string, limit = 50): Promise<{ agreements: AgreementRow[]; attempts: AttemptRow[] }> {
  const agreements = await db.selectFrom('autodebit_agreements').selectAll().where('customer_id', '=', customerId).orderBy('created_at', 'desc').execute();
  const attempts = await db.selectFrom('autodebit_attempts').selectAll().where('customer_id', '=', customerId).orderBy('scheduled_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return { agreements, attempts };
}
