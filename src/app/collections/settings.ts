import type { AssignmentMode } from '../../core/collections/assignment.ts';
import { DEFAULT_CONTACTS_PER_DAY } from '../../core/collections/contact-rules.ts';
import type { Config } from '../../config.ts';

export interface CollectionsSettings {
  assignment: AssignmentMode;
  contactsPerDay: number;
  /** An agent's hardship offer waiving more penalty than this waits for a supervisor's approval. */
  agentWaiverLimitFen: number;
  offerValidDays: number;
}

export const DEFAULT_COLLECTIONS_SETTINGS: CollectionsSettings = {
  assignment: 'round_robin', contactsPerDay: DEFAULT_CONTACTS_PER_DAY, agentWaiverLimitFen: 20_000, offerValidDays: 7,
};

export function collectionsSettings(config: Config): CollectionsSettings {
  return { ...DEFAULT_COLLECTIONS_SETTINGS, ...(config.collections ?? {}) };
}
