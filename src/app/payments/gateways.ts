import { createHmac } from 'node:crypto';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { GatewayName } from '../../core/payments/payment-status.ts';
import { SandboxGateway } from '../../adapters/gateways/sandbox/sandbox-gateway.ts';
import { faultsFromEnv } from '../../adapters/gateways/sandbox/faults.ts';
import { AlipayGateway } from '../../adapters/gateways/alipay/alipay-gateway.ts';
import { alipayConfigFromEnv } from '../../adapters/gateways/alipay/config.ts';
import { WechatPayGateway } from '../../adapters/gateways/wechatpay/wechatpay-gateway.ts';
import { wechatPayConfigFromEnv } from '../../adapters/gateways/wechatpay/config.ts';
import { papayConfigFromEnv } from '../../adapters/gateways/wechatpay/papay.ts';
import type { AppDeps } from '../deps.ts';
import type { PaymentGateway, PaymentGateways } from './ports.ts';
import { handleNotification } from './handle-notification.ts';

/**
 * The gateways of one running app. Built once per AppDeps from configuration (environment
 * or files it names: credentials never come from code and are never logged); tests install
 * their own with setPaymentGateways. The sandbox is on unless switched off: it is what the demo uses.
 */
const registry = new WeakMap<AppDeps, PaymentGateways>();

export function paymentGateways(deps: AppDeps): PaymentGateways {
  let gateways = registry.get(deps);
  if (!gateways) {
    gateways = gatewaysFromEnv(deps, process.env);
    registry.set(deps, gateways);
  }
  return gateways;
}

export function setPaymentGateways(deps: AppDeps, gateways: PaymentGateways): void {
  registry.set(deps, gateways);
}

export function gatewayOf(deps: AppDeps, name: GatewayName): Result<PaymentGateway, DomainError> {
  const g = paymentGateways(deps)[name];
  return g ? ok(g) : err(domainError('gateway_not_configured', `the ${name} gateway is not configured on this deployment`, 'gateway'));
}

export function sandboxOf(deps: AppDeps): SandboxGateway | undefined {
  const g = paymentGateways(deps).sandbox;
  return g instanceof SandboxGateway ? g : undefined;
}

export function sandboxGateway(deps: AppDeps, env: NodeJS.ProcessEnv = {}): SandboxGateway {
  return new SandboxGateway({
    db: deps.db, clock: deps.clock, publicUrl: deps.config.publicUrl, faults: faultsFromEnv(env),
    key: createHmac('sha256', deps.secret).update('fenqi sandbox gateway').digest('hex'),
    deliver: (raw) => handleNotification(deps, 'sandbox', raw),
  });
}

/**
 * FENQI_SANDBOX_GATEWAY=0 turns the sandbox off: a deployment taking real money must, or a
 * customer could "pay" at the sandbox cashier.
 */
export function gatewaysFromEnv(deps: AppDeps, env: NodeJS.ProcessEnv): PaymentGateways {
  const gateways: PaymentGateways = env.FENQI_SANDBOX_GATEWAY === '0' ? {} : { sandbox: sandboxGateway(deps, env) };
  const alipay = alipayConfigFromEnv(env);
  if (alipay) gateways.alipay = new AlipayGateway(alipay);
  const wechat = wechatPayConfigFromEnv(env);
  // 委托代扣 (papay) is on when a contract template is configured (FENQI_WECHATPAY_PAPAY_PLAN_ID).
  if (wechat) gateways.wechatpay = new WechatPayGateway(wechat, undefined, papayConfigFromEnv(env));
  return gateways;
}
