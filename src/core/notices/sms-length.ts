/**
 * SMS length rules, pure.
 *
 * Mainland China ('cn'): carriers and the providers that front them (Aliyun, Tencent Cloud)
 * count characters, not bytes: a Chinese character, a letter, a digit, a space and a
 * punctuation mark (full- or half-width) are one each, and the signature the provider adds
 * (【分期】, brackets included) counts too. Up to 70 characters is one message; a longer
 * text is a long message billed at 67 characters per part (the rest of each part carries the
 * concatenation header).
 *
 * International ('gsm', 3GPP TS 23.038): a text that fits the GSM 7-bit default alphabet is
 * counted in septets, 160 in one message and 153 per part, and a character from the
 * extension table (^{}\[~]|€ and form feed) takes two septets that must stay in one part.
 * Anything else goes as UCS-2: 70 UTF-16 units in one message, 67 per part, and a surrogate
 * pair (an emoji) is never split.
 */
export type SmsCountMode = 'cn' | 'gsm';

export interface SmsLength {
  encoding: 'cn' | 'gsm7' | 'ucs2';
  /** Characters ('cn'), septets ('gsm7') or UTF-16 units ('ucs2'). */
  units: number;
  segments: number;
}

const GSM_BASIC = new Set([...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà']);
const GSM_EXTENSION = new Set([...'^{}\\[~]|€\f']);

export const CN_SINGLE = 70;
export const CN_PART = 67;
const GSM_SINGLE = 160;
const GSM_PART = 153;
const UCS2_SINGLE = 70;
const UCS2_PART = 67;

/** The text as the handset shows it: the provider puts the signature in front. */
export const withSignature = (text: string, signName: string): string => (signName ? `【${signName}】${text}` : text);

export function smsLength(text: string, mode: SmsCountMode): SmsLength {
  const chars = [...text];
  if (mode === 'cn') {
    const units = chars.length;
    return { encoding: 'cn', units, segments: units === 0 ? 0 : units <= CN_SINGLE ? 1 : Math.ceil(units / CN_PART) };
  }
  if (chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c))) {
    return countParts(chars.map((c) => (GSM_EXTENSION.has(c) ? 2 : 1)), 'gsm7', GSM_SINGLE, GSM_PART);
  }
  return countParts(chars.map((c) => c.length), 'ucs2', UCS2_SINGLE, UCS2_PART);
}

/** Greedy split: a unit of cost 2 (an escape pair, a surrogate pair) starts a new part rather than straddle two. */
function countParts(costs: number[], encoding: 'gsm7' | 'ucs2', single: number, part: number): SmsLength {
  const units = costs.reduce((a, b) => a + b, 0);
  if (units === 0) return { encoding, units, segments: 0 };
  if (units <= single) return { encoding, units, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > part) { segments++; used = 0; }
    used += cost;
  }
  return { encoding, units, segments };
}
