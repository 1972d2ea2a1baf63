import { Type } from 'typebox';
import type { StaffRole } from '../../auth.ts';
import { Security, Uuid } from '../../views/admin-schemas.ts';

/**
 * Who may do what (admin passes every guard). Agents (customer service) read and may freeze
 * a line to protect a customer, never lend more; supervisors also set limits and alone may
 * reveal a phone number; auditors read the books and the audit log and change nothing.
 */
export const ROLES = {
  read: ['operator', 'agent', 'supervisor', 'auditor'],
  catalogue: ['operator'],
  keys: ['operator'],
  lend: ['operator', 'supervisor'],
  freeze: ['operator', 'agent', 'supervisor'],
  reveal: ['supervisor'],
  books: ['operator', 'supervisor', 'auditor'],
  audit: ['supervisor', 'auditor'],
} satisfies Record<string, StaffRole[]>;

export const Admin = { tags: ['admin'], security: Security };
export const MerchantParams = Type.Object({ merchantId: Uuid });
export const ProductParams = Type.Object({ productId: Uuid });
export const CustomerParams = Type.Object({ customerId: Uuid });
export const OfferParams = Type.Object({ merchantId: Uuid, productId: Uuid });
export const OfferSchema = Type.Object({ merchantId: Type.String(), productId: Type.String(), offered: Type.Boolean() }, {
  examples: [{ merchantId: '0192f0c8-5c2a-7000-8000-000000000001', productId: '0192f0c8-5c2a-7000-8000-000000000002', offered: true }],
});

