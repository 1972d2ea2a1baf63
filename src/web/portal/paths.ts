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
  autoDebit: `${PORTAL}/autodebit`,
  autoDebitSign: `${PORTAL}/autodebit/sign`,
  autoDebitCancel: `${PORTAL}/autodebit/cancel`,
  messages: `${PORTAL}/messages`,
  messagesBefore: (id: string) => `${PORTAL}/messages?before=${id}`,
  messageRead: `${PORTAL}/messages/read`,
  help: `${PORTAL}/help`,
  whereToPay: `${PORTAL}/where-to-pay`,
  tickets: `${PORTAL}/help/tickets`,
  ticketNew: `${PORTAL}/help/tickets/new`,
  ticket: (id: string) => `${PORTAL}/help/tickets/${id}`,
  ticketComment: (id: string) => `${PORTAL}/help/tickets/${id}/comments`,
  ticketAction: (id: string) => `${PORTAL}/help/tickets/${id}/actions`,
  hardship: `${PORTAL}/hardship`,
  hardshipAccept: `${PORTAL}/hardship/accept`,
  hardshipDecline: `${PORTAL}/hardship/decline`,
  account: `${PORTAL}/account`,
  cancelCode: `${PORTAL}/account/cancel/code`,
  cancel: `${PORTAL}/account/cancel`,
} as const;
