/**
 * PIPL: phone and ID numbers never reach logs, consoles or exports in full. Mainland mobile
 * numbers are 11 digits starting with 1; ID numbers are 18 characters (last may be X).
 */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

export function maskIdNumber(id: string): string {
  return id.length >= 8 ? `${id.slice(0, 3)}***********${id.slice(-4)}` : '****';
}

/**
 * A mobile number as people and clients write it: bare, with the country code (+86, 0086,
 * 86, or %2B86 in a URL) and with spaces or dashes between the 3-4-4 groups.
 */
const PHONE_IN_TEXT = /(?<!\d)((?:\+|%2B|00)?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)/gi;
const ID_IN_TEXT = /(?<![\dX])(\d{6})(\d{8})(\d{3}[\dXx])(?![\dX])/g;

export function maskPhonesIn(text: string): string {
  return text.replace(ID_IN_TEXT, (_m, a: string, _b: string, c: string) => `${a.slice(0, 3)}***********${c}`).replace(PHONE_IN_TEXT, (_m, prefix: string | undefined, a: string, _b: string, c: string) => `${prefix ?? ''}${a}****${c}`);
}
