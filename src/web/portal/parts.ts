import { html, type Html } from '../html.ts';
import type { Messages } from '../i18n/messages.ts';
import type { CustomerPlan } from '../api-client.ts';

/** Small pieces shared by the portal's pages. */

export const badge = (kind: string, label: string | undefined): Html => html`<span class="badge ${kind}">${label ?? kind}</span>`;

/** What the customer bought: the merchant's description, else "order at <merchant>". */
export const itemName = (m: Messages, p: Pick<CustomerPlan, 'description' | 'merchantName'>): string => p.description ?? m.itemFallback(p.merchantName);

/** planId → item name, for lists (bills, receipts) that carry only plan ids. */
export function namesOf(m: Messages, plans: readonly Pick<CustomerPlan, 'id' | 'description' | 'merchantName'>[]): (planId: string, description?: string | null) => string {
  const byId = new Map(plans.map((p) => [p.id, itemName(m, p)]));
  return (planId, description) => description ?? byId.get(planId) ?? m.itemFallback('—');
}

export const hiddenField = (name: string, value: string | number | undefined): Html =>
  value === undefined ? html`` : html`<input type="hidden" name="${name}" value="${String(value)}">`;

export const linkButton = (href: string, label: string, kind = ''): Html => html`<a class="btn ${kind}" href="${href}">${label}</a>`;
