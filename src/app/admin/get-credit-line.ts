import type { Selectable } from 'kysely';
import type { Db, Tx } from '../../adapters/db/tx.ts';
import type { CreditLinesTable } from '../../adapters/db/schema.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';

export type CreditLineRow = Selectable<CreditLinesTable>;

export async function getCreditLine(db: Db | Tx, customerId: string): Promise<Result<CreditLineRow, DomainError>> {
  const line = await db.selectFrom('credit_lines').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
  return line ? ok(line) : err(domainError('customer_not_found', 'no customer with that id', 'customerId'));
}
