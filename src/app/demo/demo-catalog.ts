import type { DefineProductInput } from '../admin/define-product.ts';

/**
 * The demo store's published credentials. They are printed at start-up and written in the
 * README so a newcomer can try the API at once; they exist only in a demo data folder.
 */
export const DEMO_MERCHANT_TOKEN = 'fqk_demo_merchant_xiaomi_store_do_not_use_in_production';
export const DEMO_ADMIN_TOKEN = 'fqk_demo_admin_do_not_use_in_production';
export const DEMO_AGENT_TOKEN = 'fqk_demo_agent_do_not_use_in_production';

export const DEMO_PRODUCTS: DefineProductInput[] = [
  { code: 'free-3', name: '3期免息', method: 'interest-free', terms: 3, subsidyRate: '1.8' },
  { code: 'free-6', name: '6期免息', method: 'interest-free', terms: 6, subsidyRate: '3.5' },
  { code: 'free-12', name: '12期免息', method: 'interest-free', terms: 12, subsidyRate: '6.5' },
  { code: 'free-24', name: '24期免息', method: 'interest-free', terms: 24, subsidyRate: '12' },
  { code: 'fee-12', name: '12期 每期手续费0.6%', method: 'fee-per-period', terms: 12, monthlyFeeRate: '0.6' },
  { code: 'fee-24', name: '24期 每期手续费0.55%', method: 'fee-per-period', terms: 24, monthlyFeeRate: '0.55' },
  { code: 'loan-12', name: '12期 等额本息 年化10.8%', method: 'equal-installment', terms: 12, annualRate: '10.8' },
];

export interface DemoCustomer { phone: string; story: string }

export const DEMO_CUSTOMERS: DemoCustomer[] = [
  { phone: '13800000001', story: 'a phone on 12 installments with a fee; the first one paid' },
  { phone: '13800000002', story: 'earbuds on 3 interest-free installments, paid off' },
  { phone: '13800000003', story: 'a laptop on 6 interest-free installments, the last bill overdue' },
  { phone: '13800000004', story: 'a TV on 12 interest-free installments, part of the order returned' },
  { phone: '13800000005', story: 'a new customer with an order cancelled before shipping' },
];
