import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import { parseWebhookUrl } from '../webhooks/webhook-url.ts';
import type { TxContext } from '../context.ts';
import type { MerchantRow } from './find-merchants.ts';

export interface UpdateMerchantInput { merchantId: string; name?: string; webhookUrl?: string | null }

/**
 * Renames a merchant or changes (or clears, with null) its webhook endpoint. Queued
 * deliveries follow the new endpoint: the dispatcher reads it at send time.
 */
export async function updateMerchant(ctx: TxContext, input: UpdateMerchantInput): Promise<Result<MerchantRow, DomainError>> {
  if (input.name === undefined && input.webhookUrl === undefined) return err(domainError('validation_failed', 'send name or webhookUrl'));
  const url = input.webhookUrl === undefined ? ok(undefined) : parseWebhookUrl(input.webhookUrl);
  if (!url.ok) return url;
  const before = await ctx.tx.selectFrom('merchants').select(['name', 'webhook_url']).where('id', '=', input.merchantId).forUpdate().executeTakeFirst();
  if (!before) return err(domainError('merchant_not_found', 'no merchant with that id', 'merchantId'));
  const updated = await ctx.tx.updateTable('merchants').set({
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(url.value !== undefined ? { webhook_url: url.value } : {}),
  }).where('id', '=', input.merchantId).returning(['id', 'name', 'webhook_url', 'status', 'created_at']).executeTakeFirstOrThrow();
  await audit(ctx, 'merchant.update', `merchant:${input.merchantId}`, {
    before: { name: before.name, webhookUrl: before.webhook_url }, after: { name: updated.name, webhookUrl: updated.webhook_url },
  });
  return ok(updated);
}
