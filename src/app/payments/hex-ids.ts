/**
 * Our numbers at the gateways (out_trade_no, out_request_no, external_agreement_no) are row
 * ids without dashes; a gateway's message that carries one leads back to the row.
 */
export function uuidOfHex(hex: string): string | null {
  return /^[0-9a-f]{32}$/.test(hex) ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : null;
}
