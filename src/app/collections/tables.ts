import type { ColumnType, Transaction, Kysely } from 'kysely';
import type { Database } from '../../adapters/db/schema.ts';

/**
 * Row types of migration 0010 (collections and hardship). They live here, next to their only
 * users, until the lead folds them into adapters/db/schema.ts; `withCollections` is the typed
 * view of a transaction or database that includes them.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export type CaseStatus = 'open' | 'cured' | 'paid' | 'restructured' | 'closed';
export interface CollectionCasesTable {
  customer_id: string; id: string; plan_id: string; status: CaseStatus; bucket: string; days_past_due: number;
  agent_id: string | null; assigned_at: Timestamp | null; opened_on: string; closed_on: string | null; created_at: Timestamp; updated_at: Timestamp;
}
export interface CollectionContactsTable {
  customer_id: string; id: string; case_id: string; agent_id: string; channel: string; outcome: string; note: string | null;
  contacted_at: Timestamp; contact_day: string; business_date: string;
}
export interface PaymentPromisesTable {
  customer_id: string; id: string; case_id: string; plan_id: string; agent_id: string; promised_on: string; amount_fen: number;
  status: 'open' | 'kept' | 'broken'; made_at: Timestamp; business_date: string; resolved_on: string | null; paid_fen: number | null;
}
export interface CollectionAssignmentCursorTable { key: string; last_agent_id: string }
export type HardshipStatus = 'offered' | 'accepted' | 'declined' | 'expired' | 'cancelled';
export interface HardshipPlansTable {
  customer_id: string; id: string; plan_id: string; status: HardshipStatus; approval: 'not_needed' | 'pending' | 'approved';
  terms: number; first_due_date: string; penalty_kept_fen: number; penalty_waived_fen: number; capitalised_fen: number;
  preview: Json; offered_by: string; approved_by: string | null; offered_on: string; expires_at: Timestamp;
  accepted_on: string | null; accepted_at: Timestamp | null; created_at: Timestamp; updated_at: Timestamp;
}

export interface CollectionsDatabase extends Database {
  collection_cases: CollectionCasesTable; collection_contacts: CollectionContactsTable; payment_promises: PaymentPromisesTable;
  collection_assignment_cursor: CollectionAssignmentCursorTable; hardship_plans: HardshipPlansTable;
}

export function withCollections(tx: Transaction<Database>): Transaction<CollectionsDatabase>;
export function withCollections(db: Kysely<Database>): Kysely<CollectionsDatabase>;
export function withCollections(db: Kysely<Database>): Kysely<CollectionsDatabase> {
  return db as unknown as Kysely<CollectionsDatabase>;
}
