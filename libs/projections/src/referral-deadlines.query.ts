import { checkSchemaName, withDdlLock, type SqlClient } from '@samhandling/event-store';
import { REFERRAL_DEADLINES, type ReferralDeadlineRow } from './referral-deadlines.projection';
import { openDeadlinesIndexDdl } from './projection-state.migration';

/** An open deadline that has passed, with the person's coordinator at the time of asking. */
export type DueDeadline = Pick<ReferralDeadlineRow, 'referralId' | 'subjectId' | 'from' | 'to' | 'deadline' | 'dueAt'> & { coordinator?: string };

/**
 * Finds due deadlines in the projection's rows of `<schema>.projection_state` (the runtime's
 * table, written with the checkpoint in one transaction). A partial index holds open deadlines
 * only, by due time: a tick reads what is due, not every referral ever sent.
 */
export class ReferralDeadlineQueries {
  private readonly table: string;

  constructor(private readonly sql: SqlClient, private readonly schema: string) {
    this.table = `${checkSchemaName(schema)}.projection_state`;
  }

  /** Call after the projection runtime has started (it creates the table); safe from many processes at once. */
  async ensureIndex(): Promise<void> {
    await withDdlLock(this.sql, async (tx) => {
      await tx.query(openDeadlinesIndexDdl(this.schema));
    });
  }

  /** Open deadlines due strictly before `now`, earliest first. */
  async due(now: Date, limit: number): Promise<DueDeadline[]> {
    // The literals match the index predicate, so the planner can use it whatever the parameters.
    const rows = await this.sql.query<{ deadline: ReferralDeadlineRow; coordinator: string | null }>(
      `SELECT d.state AS deadline, c.state->>'agency' AS coordinator
         FROM ${this.table} d
         LEFT JOIN ${this.table} c ON c.projection = '${REFERRAL_DEADLINES}' AND c.key = 'coordinator:' || (d.state->>'subjectId')
        WHERE d.projection = '${REFERRAL_DEADLINES}' AND d.state->>'status' = 'open' AND d.state->>'dueAt' < $1
        ORDER BY d.state->>'dueAt', d.key
        LIMIT $2`,
      [now.toISOString(), limit],
    );
    return rows.map(({ deadline: d, coordinator }) => ({
      referralId: d.referralId, subjectId: d.subjectId, from: d.from, to: d.to, deadline: d.deadline, dueAt: d.dueAt,
      ...(coordinator ? { coordinator } : {}),
    }));
  }
}
