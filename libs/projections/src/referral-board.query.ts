import { checkSchemaName, withDdlLock, type SqlClient } from '@samhandling/event-store';
import { referralBoardIndexDdl } from './projection-state.migration';
import { REFERRAL_BOARD, type BoardReferral } from './referral-board.projection';

export const BOARD_SIDES = ['incoming', 'outgoing'] as const;
export type BoardSide = (typeof BOARD_SIDES)[number];

/**
 * Where a page of one side of a board ends. `at` is the instant the first page was decided at:
 * every page of one walk orders by whether a referral was overdue then, so a referral falling
 * overdue between two pages is neither skipped nor shown twice.
 */
export interface BoardCursor {
  side: BoardSide;
  at: string;
  overdue: boolean;
  answerBy: string;
  referralId: string;
}

export interface BoardPage {
  referrals: Array<BoardReferral & { overdue: boolean }>;
  /** Present when more referrals follow on this side. */
  next?: BoardCursor;
}

/** The column of a referral's row that names the agency whose side it is on. */
const PARTY: Record<BoardSide, 'to' | 'from'> = { incoming: 'to', outgoing: 'from' };

/**
 * Pages one agency's referrals out of the referral-board rows of `<schema>.projection_state` (one
 * row per referral), overdue first, then by answer deadline: the order the board has always had,
 * as a keyset, so a page costs the same on the hundredth page as on the first. Partial indexes on
 * `to` and `from` find an agency's rows without reading any other agency's.
 */
export class ReferralBoardQueries {
  private readonly table: string;

  constructor(private readonly sql: SqlClient, private readonly schema: string) {
    this.table = `${checkSchemaName(schema)}.projection_state`;
  }

  /** Call after the projection runtime has started (it creates the table); safe from many processes at once. */
  async ensureIndex(): Promise<void> {
    await withDdlLock(this.sql, async (tx) => {
      for (const ddl of referralBoardIndexDdl(this.schema)) await tx.query(ddl);
    });
  }

  async page(agency: string, side: BoardSide, at: string, limit: number, after?: BoardCursor): Promise<BoardPage> {
    const party = PARTY[side];
    // The literals match the index predicates, so the planner can use them whatever the parameters.
    const rows = await this.sql.query<{ state: BoardReferral; overdue: boolean }>(
      `SELECT state, overdue FROM (
         SELECT s.key, s.state, (s.state->>'answerBy')::timestamptz AS answer_by,
                (s.state->>'status' = 'sent' AND (s.state->>'acknowledgeBy')::timestamptz < $2::timestamptz)
                OR (s.state->>'status' IN ('sent', 'acknowledged') AND (s.state->>'answerBy')::timestamptz < $2::timestamptz) AS overdue
           FROM ${this.table} s
          WHERE s.projection = '${REFERRAL_BOARD}' AND s.state->>'${party}' = $1
       ) b
       WHERE (NOT b.overdue, b.answer_by, b.key) > ($3::boolean, $4::timestamptz, $5::text)
       ORDER BY NOT b.overdue, b.answer_by, b.key
       LIMIT $6`,
      after
        ? [agency, at, !after.overdue, after.answerBy, after.referralId, limit + 1]
        : [agency, at, false, '-infinity', '', limit + 1],
    );
    const referrals = rows.slice(0, limit).map((r) => ({ ...r.state, overdue: r.overdue }));
    const last = referrals[referrals.length - 1];
    return rows.length > limit && last
      ? { referrals, next: { side, at, overdue: last.overdue, answerBy: last.answerBy, referralId: last.referralId } }
      : { referrals };
  }
}
