/**
 * One decoding of PostgreSQL values for both drivers, so a row reads the same on PGlite and
 * on a server: BIGINT (fen) as a JS number (exact below 2^53; larger is a bug and throws),
 * DATE as the 'YYYY-MM-DD' string it is (never a Date, which would drag in a time zone).
 */
export const INT8_OID = 20;
export const DATE_OID = 1082;
export const NUMERIC_OID = 1700;

export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`BIGINT ${text} is outside the exact range of a JS number`);
  return n;
}

export const parseDate = (text: string): string => text;
