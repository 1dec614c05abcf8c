/**
 * An error as a log line may show it. Database errors (those carrying a SQLSTATE) are reduced to
 * class, code and routine: their messages can quote the values of the statement, i.e. personal
 * data. Other errors (ours, the Kafka client's) keep their message.
 */
export function errorSummary(error: unknown): string {
  const e = error as { name?: string; code?: unknown; routine?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    return `${e.name ?? 'DatabaseError'} code=${e.code}${typeof e.routine === 'string' ? ` routine=${e.routine}` : ''}`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return typeof error;
}
