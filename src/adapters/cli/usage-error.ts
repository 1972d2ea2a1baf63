/** Bad CLI input: reported as one line on stderr with exit code 2, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function failUsage(message: string): never {
  throw new UsageError(message);
}
