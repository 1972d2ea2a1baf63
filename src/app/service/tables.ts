import type { ColumnType, Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../adapters/db/schema.ts';
import type { Db, Tx } from '../../adapters/db/tx.ts';
import type { TicketCategory } from '../../core/service/categories.ts';
import type { TicketStatus } from '../../core/service/status-flow.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

/** Tables of migration 0009 (customer service). Typed here and added to a query with withTables, so this part owns its schema. */
export interface ServiceTicketsTable {
  customer_id: string; id: string; category: TicketCategory; status: TicketStatus; subject: string; description: string;
  source: 'portal' | 'agent'; opened_by: string; assignee: string | null; plan_ids: Json<string[]>; payment_ids: Json<string[]>;
  first_response_due_at: Timestamp; resolution_due_at: Timestamp; first_response_at: Timestamp | null; resolved_at: Timestamp | null;
  closed_at: Timestamp | null; business_date: string; created_at: Timestamp; updated_at: Timestamp;
}
export interface ServiceTicketEventsTable {
  customer_id: string; ticket_id: string; id: string; at: Timestamp; actor: string;
  kind: 'opened' | 'status' | 'comment' | 'assigned' | 'action'; from_status: string | null; to_status: string | null;
  body: string | null; detail: Json<Record<string, unknown>>;
}
export interface ServiceApprovalsTable {
  customer_id: string; id: string; ticket_id: string | null; kind: 'waive' | 'refund'; amount_fen: number; params: Json<Record<string, unknown>>;
  reason: string; requested_by: string; requested_role: string; status: 'pending' | 'approved' | 'rejected';
  decided_by: string | null; decided_role: string | null; decided_at: Timestamp | null; decision_note: string | null;
  result: Json<Record<string, unknown>> | null; created_at: Timestamp;
}
// A type alias, not an interface: withTables wants an index-signature-compatible record.
export type ServiceTables = {
  service_tickets: ServiceTicketsTable; service_ticket_events: ServiceTicketEventsTable; service_approvals: ServiceApprovalsTable;
};

export type TicketRow = Selectable<ServiceTicketsTable>;
export type TicketEventRow = Selectable<ServiceTicketEventsTable>;
export type ApprovalRow = Selectable<ServiceApprovalsTable>;

type ServiceDatabase = Database & ServiceTables;

/** The same connection or transaction, typed to see the service tables too. */
export function serviceDb(db: Db): Kysely<ServiceDatabase>;
export function serviceDb(db: Tx): Transaction<ServiceDatabase>;
export function serviceDb(db: Db | Tx): Kysely<ServiceDatabase> {
  return db.withTables<ServiceTables>() as unknown as Kysely<ServiceDatabase>;
}
