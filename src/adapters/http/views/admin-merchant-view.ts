import { Type } from 'typebox';
import { API_KEY_ROLES, type CreatedApiKey } from '../../../app/admin/create-api-key.ts';
import type { CreatedMerchant } from '../../../app/admin/create-merchant.ts';
import type { MerchantDetail, MerchantRow } from '../../../app/admin/find-merchants.ts';
import type { ApiKeyRow } from '../../../app/admin/list-api-keys.ts';
import { iso, isoOrNull, Nullable, Paged, Timestamp, Uuid } from './admin-schemas.ts';

const WebhookUrl = Type.String({ maxLength: 2048, description: 'https:// (http:// only to localhost); null or "" for none', examples: ['https://shop.example.com/fenqi/webhooks'] });

export const CreateMerchantBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }), webhookUrl: Type.Optional(Nullable(WebhookUrl)),
}, { additionalProperties: false, examples: [{ name: '小米之家 Xiaomi Home', webhookUrl: 'https://shop.example.com/fenqi/webhooks' }] });

export const UpdateMerchantBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), webhookUrl: Type.Optional(Nullable(WebhookUrl)),
}, { additionalProperties: false, minProperties: 1, examples: [{ webhookUrl: 'https://shop.example.com/fenqi/webhooks-v2' }] });

export const MerchantSchema = Type.Object({
  merchantId: Type.String(), name: Type.String(), webhookUrl: Nullable(Type.String()), status: Type.String({ enum: ['active', 'suspended'] }), createdAt: Timestamp,
}, { examples: [{ merchantId: '0192f0c8-5c2a-7000-8000-000000000001', name: '小米之家 Xiaomi Home', webhookUrl: 'https://shop.example.com/fenqi/webhooks', status: 'active', createdAt: '2026-01-05T02:00:00.000Z' }] });
export const CreatedMerchantSchema = Type.Object({
  merchantId: Type.String(), name: Type.String(), webhookUrl: Nullable(Type.String()),
  webhookSecret: Nullable(Type.String({ description: 'signs webhooks (Fenqi-Signature); shown only in this first answer — store it. A retry with the same Idempotency-Key answers null: the secret is never stored' })),
}, { examples: [{ merchantId: '0192f0c8-5c2a-7000-8000-000000000001', name: '小米之家 Xiaomi Home', webhookUrl: 'https://shop.example.com/fenqi/webhooks', webhookSecret: 'whsec_…' }] });
export const MerchantDetailSchema = Type.Object({
  ...MerchantSchema.properties,
  products: Type.Array(Type.Object({ productId: Type.String(), code: Type.String(), name: Type.String(), status: Type.String() }), { description: 'products this merchant may offer' }),
  activeApiKeys: Type.Integer(), pendingDeliveries: Type.Integer(),
});
export const MerchantPageSchema = Paged(MerchantSchema);

export const merchantView = (m: MerchantRow) => ({ merchantId: m.id, name: m.name, webhookUrl: m.webhook_url, status: m.status, createdAt: iso(m.created_at) });
export const createdMerchantView = (m: CreatedMerchant) => ({ merchantId: m.merchantId, name: m.name, webhookUrl: m.webhookUrl, webhookSecret: m.webhookSecret });
/** What a retry with the same Idempotency-Key gets: the merchant, without the secret (never stored). */
export const replayedMerchantView = (m: CreatedMerchant) => ({ ...createdMerchantView(m), webhookSecret: null });
export const merchantDetailView = (d: MerchantDetail) => ({
  ...merchantView(d.merchant), products: d.products.map((p) => ({ productId: p.id, code: p.code, name: p.name, status: p.status })),
  activeApiKeys: d.activeApiKeys, pendingDeliveries: d.pendingDeliveries,
});

const Role = Type.String({ enum: [...API_KEY_ROLES] });

export const CreateApiKeyBody = Type.Object({
  role: Role, merchantId: Type.Optional(Uuid), name: Type.String({ minLength: 1, maxLength: 100, description: 'what the key is for' }),
}, { additionalProperties: false, examples: [{ role: 'merchant', merchantId: '0192f0c8-5c2a-7000-8000-000000000001', name: 'checkout backend' }, { role: 'agent', name: 'customer service desk 3' }] });

export const ApiKeySchema = Type.Object({
  keyId: Type.String(), role: Role, merchantId: Nullable(Type.String()), name: Type.String(),
  prefix: Type.String({ description: 'first characters of the token, to recognise it' }), createdAt: Timestamp, revokedAt: Nullable(Timestamp),
});
export const CreatedApiKeySchema = Type.Object({
  keyId: Type.String(), role: Role, merchantId: Nullable(Type.String()), prefix: Type.String(),
  token: Nullable(Type.String({ description: 'the bearer token; shown only in this first answer, only its hash is stored. A retry with the same Idempotency-Key answers null' })),
}, { examples: [{ keyId: '0192f0c8-5c2a-7000-8000-00000000000a', role: 'merchant', merchantId: '0192f0c8-5c2a-7000-8000-000000000001', prefix: 'fqk_Ab3dE6', token: 'fqk_…' }] });
export const ApiKeyPageSchema = Paged(ApiKeySchema);

export const apiKeyView = (k: ApiKeyRow) => ({
  keyId: k.id, role: k.role, merchantId: k.merchant_id, name: k.name, prefix: k.key_prefix, createdAt: iso(k.created_at), revokedAt: isoOrNull(k.revoked_at),
});
export const createdApiKeyView = (k: CreatedApiKey) => ({ keyId: k.keyId, role: k.role, merchantId: k.merchantId, prefix: k.prefix, token: k.token });
/** What a retry with the same Idempotency-Key gets: the key's record, without the token (never stored). */
export const replayedApiKeyView = (k: CreatedApiKey) => ({ ...createdApiKeyView(k), token: null });
