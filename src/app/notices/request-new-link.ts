import { deriveLinkKey, verifyLink } from '../../core/links/repayment-link.ts';
import type { TxContext } from '../context.ts';
import { enqueueNotice } from './enqueue-notice.ts';

/**
 * "Send me a new link" from an expired (or still valid) repayment link. The new link goes by
 * SMS to the phone on the account — never to whoever holds the old one — so the answer is
 * the same whether the link was ours or forged, and says nothing about any account. One
 * renewal per bill per day: the dedup key carries the day, so pressing the button again is
 * a no-op (and cannot be used to flood a phone).
 */
export async function requestNewLink(ctx: TxContext, token: string): Promise<void> {
  const verdict = verifyLink(deriveLinkKey(ctx.deps.secret), token, ctx.at);
  if (verdict.status === 'invalid' || verdict.target.kind !== 'bill') return;
  const { customerId, dueDate } = verdict.target;
  const result = await enqueueNotice(ctx, { kind: 'repayment_link', customerId, businessDate: ctx.businessDate, dueDate, ref: `${dueDate}@${ctx.businessDate}` });
  if (!result.ok) ctx.deps.log('new repayment link not queued', { error: result.error.message });
}
