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

const PHONE_IN_TEXT = /(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;
const ID_IN_TEXT = /(?<![\dX])(\d{6})(\d{8})(\d{3}[\dXx])(?![\dX])/g;

export function maskPhonesIn(text: string): string {
  return text.replace(ID_IN_TEXT, (_m, a: string, _b: string, c: string) => `${a.slice(0, 3)}***********${c}`).replace(PHONE_IN_TEXT, '$1****$3');
}
