/** Every console URL. The console is for customer service (客服) and collections (催收) staff. */
export const CONSOLE = '/console';

export const consolePaths = {
  home: CONSOLE,
  login: `${CONSOLE}/login`,
  logout: `${CONSOLE}/logout`,
  search: `${CONSOLE}/search`,
  customer: (id: string) => `${CONSOLE}/customers/${id}`,
  customerAction: (id: string, action: string) => `${CONSOLE}/customers/${id}/${action}`,
  trace: (id: string, paymentId: string) => `${CONSOLE}/customers/${id}/payments/${paymentId}/trace`,
  tickets: `${CONSOLE}/tickets`,
  ticket: (id: string) => `${CONSOLE}/tickets/${id}`,
  ticketAction: (id: string, action: string) => `${CONSOLE}/tickets/${id}/${action}`,
  collections: `${CONSOLE}/collections`,
  collectionCase: (customerId: string, caseId: string) => `${CONSOLE}/collections/${customerId}/${caseId}`,
  caseAction: (customerId: string, caseId: string, action: string) => `${CONSOLE}/collections/${customerId}/${caseId}/${action}`,
  approvals: `${CONSOLE}/approvals`,
  approvalDecision: (id: string, decision: 'approve' | 'reject') => `${CONSOLE}/approvals/${id}/${decision}`,
} as const;
