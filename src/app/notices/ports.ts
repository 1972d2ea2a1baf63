import type { Locale, NoticeKind, PushChannel } from '../../core/notices/kinds.ts';
import type { NoticeRules, RetryPolicy } from '../../core/notices/rules.ts';
import type { QuietHours } from '../../core/notices/quiet-hours.ts';
import type { SmsCountMode } from '../../core/notices/sms-length.ts';

/**
 * The channel ports notices go out through. They are narrower than the generic Notifier in
 * app/ports.ts (which carries a template name and loose params for OTP codes): a notice is
 * rendered before it reaches a channel, and a channel answers with an outcome the
 * dispatcher can act on — sent, or failed and whether trying again could help.
 */
export interface SmsMessage {
  /** Mainland mobile number, 11 digits. */
  to: string;
  /** The full text as rendered (without the provider's signature), for logs and length checks. */
  text: string;
  /** The provider template: key `${kind}.${locale}`, its values by name and in order of appearance. */
  template: { kind: NoticeKind; locale: Locale; params: Record<string, string>; paramOrder: string[] };
  /** Our notice id, passed to providers that echo a reference back (Aliyun OutId, Tencent SessionContext). */
  reference: string;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  reference: string;
}

export type SendResult =
  | { ok: true; provider: string; providerRef: string | null }
  /** permanent: retrying the same message on the same channel cannot succeed (bad number, refused template). */
  | { ok: false; provider: string; permanent: boolean; error: string };

export interface SmsSender { readonly provider: string; send(message: SmsMessage): Promise<SendResult> }
export interface EmailSender { readonly provider: string; send(message: EmailMessage): Promise<SendResult> }

/** Deployment settings for notices (loaded by settings.ts from the environment). */
export interface NoticeSettings {
  rules: NoticeRules;
  retry: RetryPolicy;
  /** SMS only; null: no quiet hours. */
  quietHours: QuietHours | null;
  /** Base of the links in notices (Config.publicUrl). */
  publicUrl: string;
  /** The portal's pay page for one bill; {dueDate} is replaced by YYYY-MM-DD (default /repay?due={dueDate}). */
  payPathTemplate: string;
  /** The portal's login page, offered when a link cannot help (default /login). */
  loginPath: string;
  /** 'page': /r/:token answers with a small page showing the amount due; 'redirect': 303 to the pay page. */
  linkMode: 'page' | 'redirect';
  /** Brand in texts ("登录{brand}"), per locale. */
  brand: Record<Locale, string>;
  sms: { signName: string; countMode: SmsCountMode; maxSegments: number };
  /** Email verification links stay valid this long. */
  emailVerificationHours: number;
}

/** What notices need beyond AppDeps: settings and one sender per push channel. */
export interface NoticeServices {
  settings: NoticeSettings;
  senders: { sms: SmsSender; email: EmailSender };
}

export type { PushChannel };
