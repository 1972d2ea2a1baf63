/**
 * The chart of accounts. Codes are stable and stored on every posting. `normal` is the side
 * that increases the account: balances are reported as (debits − credits) for debit-normal
 * accounts and (credits − debits) for credit-normal ones.
 *
 * Contractual interest and fees are recognised in full when a plan is created, against
 * unearned income, and earned as installments fall due. That keeps each plan's receivable
 * equal to "schedule minus allocations minus waivers" at every moment, which is the
 * sub-ledger check servicing relies on.
 */
export const ACCOUNTS = {
  'receivable.principal': { name: '应收本金 customer receivable: principal', normal: 'debit' },
  'receivable.interest': { name: '应收利息 customer receivable: interest', normal: 'debit' },
  'receivable.fee': { name: '应收手续费 customer receivable: fees', normal: 'debit' },
  'receivable.penalty': { name: '应收罚息滞纳金 customer receivable: penalties', normal: 'debit' },
  'cash.sandbox': { name: '在途资金-沙箱 cash in transit: sandbox', normal: 'debit' },
  'cash.alipay': { name: '在途资金-支付宝 cash in transit: Alipay', normal: 'debit' },
  'cash.wechatpay': { name: '在途资金-微信支付 cash in transit: WeChat Pay', normal: 'debit' },
  'cash.bank': { name: '在途资金-银行 cash in transit: bank transfer', normal: 'debit' },
  'cash.manual': { name: '人工收付 manual receipts and payouts', normal: 'debit' },
  'merchant.payable': { name: '应付商户 merchant payable', normal: 'credit' },
  'partner.funding': { name: '资金方出资 partner funding', normal: 'credit' },
  'unearned.interest': { name: '未实现利息 unearned interest', normal: 'credit' },
  'unearned.fee': { name: '未实现手续费 unearned fees', normal: 'credit' },
  'income.interest': { name: '利息收入 interest income', normal: 'credit' },
  'income.fee': { name: '手续费收入 fee income', normal: 'credit' },
  'income.penalty': { name: '罚息收入 penalty income', normal: 'credit' },
  'income.subsidy': { name: '商户贴息收入 merchant subsidy income', normal: 'credit' },
  'customer.credit_balance': { name: '客户溢缴款 customer credit balance', normal: 'credit' },
  'expense.waiver': { name: '减免支出 waivers granted', normal: 'debit' },
  'expense.writeoff': { name: '核销损失 write-off', normal: 'debit' },
} as const;

export type AccountCode = keyof typeof ACCOUNTS;
export const ACCOUNT_CODES = Object.keys(ACCOUNTS) as AccountCode[];

export const PAYMENT_CHANNELS = ['sandbox', 'alipay', 'wechatpay', 'bank', 'manual'] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];

export function cashAccount(channel: PaymentChannel): AccountCode {
  return `cash.${channel}`;
}

export type Component = 'principal' | 'interest' | 'fee' | 'penalty';
export const COMPONENTS: readonly Component[] = ['penalty', 'fee', 'interest', 'principal'];

export function receivableAccount(component: Component): AccountCode {
  return `receivable.${component}`;
}
