import { randomBytes } from 'node:crypto';
import { ok, type Result } from '../../core/result.ts';
import type { DomainError } from '../../core/errors.ts';
import { audit } from '../audit.ts';
import { parseWebhookUrl } from '../webhooks/webhook-url.ts';
import type { TxContext } from '../context.ts';

export interface CreateMerchantInput { name: string; webhookUrl?: string | null }
export interface CreatedMerchant { merchantId: string; name: string; webhookUrl: string | null; webhookSecret: string }

/** A merchant and its webhook signing secret (shown once, at creation). */
export async function createMerchant(ctx: TxContext, input: CreateMerchantInput): Promise<Result<CreatedMerchant, DomainError>> {
  const url = parseWebhookUrl(input.webhookUrl);
  if (!url.ok) return url;
  const merchantId = ctx.deps.ids.next();
  const webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
  await ctx.tx.insertInto('merchants').values({
    id: merchantId, name: input.name, webhook_url: url.value, webhook_secret: webhookSecret, created_at: ctx.at,
  }).execute();
  await audit(ctx, 'merchant.create', `merchant:${merchantId}`, { name: input.name, webhookUrl: url.value });
  return ok({ merchantId, name: input.name, webhookUrl: url.value, webhookSecret });
}
