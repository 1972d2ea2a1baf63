import { deriveLinkKey, signLink, peekLinkTarget, verifyLink } from '../../core/links/repayment-link.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { DEFAULT_LOCALE, type Locale } from '../../core/notices/kinds.ts';
import { isLocale } from '../../core/notices/format.ts';
import { renderEmailVerification } from '../../core/notices/templates.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { AppDeps } from '../deps.ts';
import type { TxContext } from '../context.ts';
import type { EmailMessage } from './ports.ts';
import { linkExpiryDate } from './notice-content.ts';
import { noticeServicesOf } from './services.ts';

export interface NoticePreferences {
  locale: Locale;
  /** The verified address notices go to; null until one is verified. */
  email: string | null;
  /** An address waiting for its verification link to be opened. */
  pendingEmail: string | null;
}

export async function getNoticePreferences(deps: AppDeps, customerId: string): Promise<NoticePreferences> {
  const row = await deps.db.selectFrom('notice_contacts').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
  return {
    locale: row && isLocale(row.locale) ? row.locale : DEFAULT_LOCALE,
    email: row?.email_verified_at ? row.email : null,
    pendingEmail: row?.pending_email ?? null,
  };
}

// Deliberately plain: one @, a dot in the domain, no spaces or angle brackets. The
// verification link is the real test of an address.
const EMAIL = /^[^\s@<>()",;:]{1,64}@[A-Za-z0-9.-]{1,188}\.[A-Za-z]{2,63}$/;

export interface PreferencesChanged { preferences: NoticePreferences; verification: EmailMessage | null }

/**
 * Sets the notice locale and/or email address. A new address is not used until the link
 * sent to it is opened: a typo must not send someone else this customer's bills. Setting
 * email to null removes the address (and any pending one).
 */
export async function setNoticePreferences(ctx: TxContext, customerId: string, input: { locale?: string; email?: string | null }): Promise<Result<PreferencesChanged, DomainError>> {
  if (input.locale !== undefined && !isLocale(input.locale)) return err(domainError('validation_failed', 'locale must be zh-CN or en', 'locale'));
  const email = typeof input.email === 'string' ? input.email.trim() : input.email;
  if (typeof email === 'string' && (email.length > 254 || !EMAIL.test(email))) return err(domainError('validation_failed', 'email is not a valid address', 'email'));
  const customer = await ctx.tx.selectFrom('customers').select('status').where('id', '=', customerId).executeTakeFirst();
  if (!customer || customer.status !== 'active') return err(domainError('account_cancelled', 'this account is cancelled'));

  const current = await ctx.tx.selectFrom('notice_contacts').selectAll().where('customer_id', '=', customerId).forUpdate().executeTakeFirst();
  const locale = (input.locale as Locale | undefined) ?? (current && isLocale(current.locale) ? current.locale : DEFAULT_LOCALE);
  let changes: Partial<{ email: null; email_verified_at: null; pending_email: string | null; pending_email_at: Date | null }> = {};
  let verification: EmailMessage | null = null;
  if (email === null) {
    changes = { email: null, email_verified_at: null, pending_email: null, pending_email_at: null };
  } else if (typeof email === 'string') {
    const normalized = normalizeEmail(email);
    // Setting the verified address again just cancels a pending change.
    const alreadyVerified = current?.email === normalized && current.email_verified_at !== null;
    changes = alreadyVerified ? { pending_email: null, pending_email_at: null } : { pending_email: normalized, pending_email_at: ctx.at };
    if (!alreadyVerified) verification = verificationEmail(ctx.deps, customerId, normalized, locale, ctx.at);
  }
  await ctx.tx.insertInto('notice_contacts').values({ customer_id: customerId, locale, email: null, email_verified_at: null, pending_email: null, pending_email_at: null, updated_at: ctx.at, ...changes })
    .onConflict((oc) => oc.column('customer_id').doUpdateSet({ locale, updated_at: ctx.at, ...changes })).execute();
  if (email !== undefined) await audit(ctx, email === null ? 'notices.email_removed' : 'notices.email_set', `customer:${customerId}`);
  const after = await ctx.tx.selectFrom('notice_contacts').selectAll().where('customer_id', '=', customerId).executeTakeFirstOrThrow();
  return ok({ preferences: { locale, email: after.email_verified_at ? after.email : null, pendingEmail: after.pending_email }, verification });
}

/** The local part is kept as typed (it may be case-sensitive), the domain is lower-cased. */
function normalizeEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}${email.slice(at).toLowerCase()}`;
}

function verificationEmail(deps: AppDeps, customerId: string, email: string, locale: Locale, at: Date): EmailMessage {
  const { settings } = noticeServicesOf(deps);
  const expiresAt = new Date(at.getTime() + settings.emailVerificationHours * 3_600_000);
  const token = signLink(deriveLinkKey(deps.secret), { kind: 'email', customerId }, expiresAt, email);
  const rendered = renderEmailVerification(locale, `${settings.publicUrl}/r/${token}`, linkExpiryDate(expiresAt), settings.brand[locale]);
  return { to: email, ...rendered, reference: `email-verification:${customerId}` };
}

export type EmailVerification = { status: 'verified'; locale: Locale } | { status: 'expired' } | { status: 'invalid' };

/**
 * Opens an email verification link: the MAC binds the address it was sent to, so the link
 * verifies only while that address is still the pending one (changing it again voids it).
 */
export async function confirmEmail(ctx: TxContext, token: string): Promise<EmailVerification> {
  const claimed = peekLinkTarget(token);
  if (!claimed || claimed.kind !== 'email') return { status: 'invalid' };
  const row = await ctx.tx.selectFrom('notice_contacts').selectAll().where('customer_id', '=', claimed.customerId).forUpdate().executeTakeFirst();
  if (!row?.pending_email) return { status: 'invalid' };
  const verdict = verifyLink(deriveLinkKey(ctx.deps.secret), token, ctx.at, row.pending_email);
  if (verdict.status !== 'valid') return verdict.status === 'expired' ? { status: 'expired' } : { status: 'invalid' };
  await ctx.tx.updateTable('notice_contacts').set({ email: row.pending_email, email_verified_at: ctx.at, pending_email: null, pending_email_at: null, updated_at: ctx.at })
    .where('customer_id', '=', claimed.customerId).execute();
  await audit({ ...ctx, actor: { kind: 'customer', id: claimed.customerId } }, 'notices.email_verified', `customer:${claimed.customerId}`);
  return { status: 'verified', locale: isLocale(row.locale) ? row.locale : DEFAULT_LOCALE };
}
