/**
 * Where the portal lives. Notices and repayment links point at PORTAL_PAY ("/portal/pay",
 * FENQI_PORTAL_PAY_PATH in the notices settings) with ?dueDate=, so that path and that
 * parameter are a contract: keep them.
 */
export const PORTAL = '/portal';

export const paths = {
  home: PORTAL,
  login: `${PORTAL}/login`,
  loginCode: `${PORTAL}/login/code`,
  logout: `${PORTAL}/logout`,
  bills: `${PORTAL}/bills`,
  plans: `${PORTAL}/plans`,
  plan: (id: string) => `${PORTAL}/plans/${id}`,
  pay: `${PORTAL}/pay`,
  payBill: (dueDate: string) => `${PORTAL}/pay?dueDate=${dueDate}`,
  payInstallment: (planId: string, n: number) => `${PORTAL}/pay?plan=${planId}&n=${n}`,
  payOff: (planId: string) => `${PORTAL}/pay?plan=${planId}&payoff=1`,
  receipt: (repaymentId: string) => `${PORTAL}/pay/receipts/${repaymentId}`,
  payment: (paymentId: string) => `${PORTAL}/pay/payments/${paymentId}`,
  account: `${PORTAL}/account`,
  cancelCode: `${PORTAL}/account/cancel/code`,
  cancel: `${PORTAL}/account/cancel`,
} as const;
