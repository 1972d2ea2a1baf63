import { addDays, type BusinessDate } from '../calendar/business-date.ts';
import { DEFAULT_DELINQUENCY_BUCKETS, validateBuckets, type DelinquencyBucket } from '../charges/delinquency.ts';
import { domainError, type DomainError } from '../errors.ts';
import { err, invariant, ok, type Result } from '../result.ts';

/**
 * The deployment's rules for the daily close, as data. The write-off age is the common
 * 180 days past due (逾期180天核销); buckets are the industry M-buckets unless a deployment
 * brings its own.
 */
export interface CloseSettings {
  /** A plan this many days past due or more is written off at the close. */
  writeOffDays: number;
  buckets: readonly DelinquencyBucket[];
}

export const DEFAULT_CLOSE_SETTINGS: CloseSettings = { writeOffDays: 180, buckets: DEFAULT_DELINQUENCY_BUCKETS };

export function parseCloseSettings(input: { writeOffDays?: unknown; buckets?: unknown }): Result<CloseSettings, DomainError> {
  const days = input.writeOffDays ?? DEFAULT_CLOSE_SETTINGS.writeOffDays;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1) {
    return err(domainError('validation_failed', 'writeOffDays must be a whole number of days ≥ 1', 'writeOffDays'));
  }
  const buckets = validateBuckets((input.buckets ?? DEFAULT_CLOSE_SETTINGS.buckets) as DelinquencyBucket[]);
  if (!buckets.ok) return buckets;
  return ok({ writeOffDays: days, buckets: buckets.value });
}

/**
 * Customers are hashed into a fixed number of buckets (uuid_hash(customer_id) & 1023 in SQL);
 * a partition is a contiguous range of buckets, so any partition count up to 1024 works on
 * the same index and a customer's plans always land in one partition.
 */
export const BUCKET_COUNT = 1024;
export const PARTITIONS_MAX = BUCKET_COUNT;

export function partitionBuckets(partition: number, partitions: number): { from: number; to: number } {
  invariant(Number.isInteger(partitions) && partitions >= 1 && partitions <= PARTITIONS_MAX, 'partitions between 1 and 1024');
  invariant(Number.isInteger(partition) && partition >= 0 && partition < partitions, 'partition in range');
  const from = Math.floor((partition * BUCKET_COUNT) / partitions);
  const to = Math.floor(((partition + 1) * BUCKET_COUNT) / partitions) - 1;
  return { from, to };
}

/**
 * Business dates close in order, one at a time: closing `target` from an open date closes
 * every date from the open one through the target. A target before the open date was
 * already closed, so there is nothing to do.
 */
export function datesToClose(openDate: BusinessDate, target: BusinessDate, maxDays = 3660): BusinessDate[] {
  const dates: BusinessDate[] = [];
  for (let d = openDate; d <= target; d = addDays(d, 1)) {
    dates.push(d);
    invariant(dates.length <= maxDays, `refusing to close more than ${maxDays} days in one go`);
  }
  return dates;
}
