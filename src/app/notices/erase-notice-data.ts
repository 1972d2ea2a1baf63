import type { Tx } from '../../adapters/db/tx.ts';

/**
 * For account cancellation (PIPL art. 47): the notice address and inbox go with the account.
 * Notices still queued are closed as skipped (the dispatcher would skip them anyway: the
 * phone is erased); sent notices and their delivery records hold ids, kinds and outcomes, no
 * personal data, and stay as the record of what was sent.
 */
export async function eraseNoticeData(tx: Tx, customerId: string, at: Date): Promise<void> {
  await tx.deleteFrom('notice_contacts').where('customer_id', '=', customerId).execute();
  await tx.deleteFrom('inbox_messages').where('customer_id', '=', customerId).execute();
  await tx.updateTable('notices').set({ status: 'skipped', outcome: 'account_cancelled', lease_until: null, updated_at: at })
    .where('customer_id', '=', customerId).where('status', '=', 'pending').execute();
}
