import { isUniqueViolation, runTx } from '../../../adapters/db/tx.ts';
import type { GatewayName } from '../../../core/payments/payment-status.ts';
import type { AppDeps } from '../../deps.ts';
import { raiseAlert } from '../alerts.ts';
import { paymentGateways } from '../gateways.ts';
import type { NotificationReply, RawNotification } from '../ports.ts';
import { paymentsDb } from '../tables.ts';
import { externalNoOf, type AgreementRow } from './agreements.ts';
import { uuidOfHex } from '../hex-ids.ts';

async function byExternalNo(deps: AppDeps, gateway: GatewayName, externalNo: string): Promise<AgreementRow | undefined> {
  const id = uuidOfHex(externalNo);
  if (!id) return undefined;
  // Found by id alone (indexed): the notification carries nothing else of ours.
  return paymentsDb(deps.db).selectFrom('autodebit_agreements').selectAll().where('id', '=', id).where('gateway', '=', gateway).executeTakeFirst();
}

/**
 * A gateway's word about an agreement: signed (signing → active, with the gateway's number)
 * or ended in the wallet (active → revoked: the ladder stops and the customer is told).
 * Idempotent: a repeated notification finds the agreement already in that state. The
 * gateway hears "success" only after that is recorded.
 */
export async function handleAgreementNotification(deps: AppDeps, name: GatewayName, raw: RawNotification): Promise<NotificationReply> {
  const gateway = paymentGateways(deps)[name];
  if (!gateway?.verifyAgreementNotification) return { status: 404, contentType: 'text/plain', body: 'gateway not configured' };
  const at = deps.clock.now();
  const n = gateway.verifyAgreementNotification(raw, at);
  if (!n.ok) {
    if (n.signatureValid) {
      await runTx(deps.db, (tx) => raiseAlert(tx, deps.ids, at, {
        kind: 'agreement_notification', severity: 'critical', gateway: name, message: `a validly signed ${name} agreement notification was refused: ${n.reason}`,
        dedupKey: `agreement-refused:${name}:${n.reason}`,
      }));
    }
    return gateway.reply(false);
  }
  const a = await byExternalNo(deps, name, n.externalNo);
  if (!a) {
    await runTx(deps.db, (tx) => raiseAlert(tx, deps.ids, at, {
      kind: 'agreement_notification', severity: 'warning', gateway: name, message: `${name} reports an agreement Fenqi does not know`,
      details: { externalNo: n.externalNo }, dedupKey: `agreement-unknown:${name}:${n.externalNo}`,
    }));
    return gateway.reply(false);
  }
  if (n.active) await activate(deps, a, n.agreementNo);
  else await endAtGateway(deps, a, n.reason);
  return gateway.reply(true);
}

/** signing → active. Another agreement activated for the same plans meanwhile: this one is ended at the gateway. */
export async function activate(deps: AppDeps, a: AgreementRow, agreementNo: string): Promise<void> {
  const at = deps.clock.now();
  try {
    await paymentsDb(deps.db).updateTable('autodebit_agreements').set({ status: 'active', agreement_no: agreementNo, signed_at: at, sign_url: null })
      .where('customer_id', '=', a.customer_id).where('id', '=', a.id).where('status', 'in', ['signing', 'failed']).execute();
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    await paymentsDb(deps.db).updateTable('autodebit_agreements').set({ status: 'cancelled', agreement_no: agreementNo, ended_at: at, end_reason: 'another agreement was already active' })
      .where('customer_id', '=', a.customer_id).where('id', '=', a.id).execute();
    await paymentGateways(deps)[a.gateway]?.cancelAgreement?.(agreementNo, externalNoOf(a.id)).catch(() => undefined);
  }
}

/** Revoked in the wallet: no more debits; the customer hears that auto-debit stopped. */
export async function endAtGateway(deps: AppDeps, a: AgreementRow, reason: string): Promise<void> {
  const ended = await paymentsDb(deps.db).updateTable('autodebit_agreements').set({ status: 'revoked', ended_at: deps.clock.now(), end_reason: `revoked at the gateway (${reason})` })
    .where('customer_id', '=', a.customer_id).where('id', '=', a.id).where('status', 'in', ['active', 'signing']).executeTakeFirst();
  if (Number(ended.numUpdatedRows) === 0 || a.status !== 'active') return;
  await deps.notifier.send({
    channel: 'inbox', to: a.customer_id, template: 'autodebit.agreement_revoked', locale: 'zh-CN', dedupKey: `autodebit.agreement_revoked:${a.id}`,
    params: { amount: '', dueDate: '', link: `${deps.config.publicUrl}/` },
  });
}

/** The customer is back from the wallet: ask the gateway where the agreements being signed stand. */
export async function refreshSigning(deps: AppDeps, customerId: string): Promise<void> {
  const signing = await paymentsDb(deps.db).selectFrom('autodebit_agreements').selectAll().where('customer_id', '=', customerId).where('status', '=', 'signing').execute();
  for (const a of signing) {
    const gateway = paymentGateways(deps)[a.gateway];
    if (!gateway?.queryAgreement) continue;
    try {
      const s = await gateway.queryAgreement(externalNoOf(a.id));
      if (s.state === 'active') await activate(deps, a, s.agreementNo);
      else if (s.state === 'ended') await endAtGateway(deps, a, s.reason);
    } catch (e) {
      deps.log(`autodebit ${a.id}: ${a.gateway} agreement query failed: ${(e as Error).message}`);
    }
  }
}
