import { uuidv7 } from 'uuidv7';
import type { IdGenerator } from '../../app/ports.ts';

export const uuidV7Ids: IdGenerator = { next: () => uuidv7() };

/** Stands for "no customer" on rows that must carry a customer_id (platform-level journal entries). */
export const PLATFORM_CUSTOMER_ID = '00000000-0000-0000-0000-000000000000';
