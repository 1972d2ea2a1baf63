import { DEMO_ADMIN_TOKEN, DEMO_AGENT_TOKEN, DEMO_CUSTOMERS, DEMO_MERCHANT_TOKEN } from '../../app/demo/demo-catalog.ts';

/** What a newcomer needs after `npm start`: where to go and what to log in with. */
export function demoBanner(publicUrl: string): string {
  return [
    '',
    'Demo store (小米商城 demo) — these credentials exist only in this demo data folder:',
    `  Merchant API key:  ${DEMO_MERCHANT_TOKEN}`,
    `  Admin API key:     ${DEMO_ADMIN_TOKEN}`,
    `  Agent API key:     ${DEMO_AGENT_TOKEN}`,
    '  Customers (log in with the phone; the one-time code is printed in this log):',
    ...DEMO_CUSTOMERS.map((c) => `    ${c.phone}  ${c.story}`),
    `  Customer portal:   ${publicUrl}/portal`,
    `  Service console:   ${publicUrl}/console   (sign in with the agent key)`,
    `  Dashboard:         ${publicUrl}/dashboard (sign in with the admin key)`,
    `  Try: curl -H 'Authorization: Bearer ${DEMO_MERCHANT_TOKEN}' '${publicUrl}/v1/merchant/quotes?amount=4999.00'`,
    '',
  ].join('\n');
}
