/**
 * Whether a string is a UUID in its canonical text form. Every id Fenqi issues is one; an id
 * that is not names nothing, and is turned away before it reaches a `::uuid` cast, which
 * would fail the whole statement (and with it a batch of other customers' work).
 */
export const isUuid = (s: string): boolean => UUID.test(s);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
