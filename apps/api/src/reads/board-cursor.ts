import { BadRequestException } from '@nestjs/common';
import { BOARD_SIDES, type BoardCursor } from '@samhandling/projections';

const INVALID = () => new BadRequestException({ error: 'READ.INVALID_CURSOR', message: 'cursor must be a cursor this endpoint returned (next.incoming or next.outgoing)' });
// RFC 3339, as the board's deadlines and decidedAt are written: what PostgreSQL reads as timestamptz too.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const instant = (v: unknown): v is string => typeof v === 'string' && RFC3339.test(v) && !Number.isNaN(Date.parse(v));

/** An opaque page cursor: base64url of the keyset where the previous page ended. */
export function encodeBoardCursor(c: BoardCursor): string {
  return Buffer.from(JSON.stringify([c.side, c.at, c.overdue, c.answerBy, c.referralId])).toString('base64url');
}

/** The cursor a client sent back; anything this endpoint did not write is a 400, never a query. */
export function decodeBoardCursor(text: string): BoardCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw INVALID();
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) throw INVALID();
  const [side, at, overdue, answerBy, referralId] = parsed as unknown[];
  const valid = (BOARD_SIDES as readonly unknown[]).includes(side) && instant(at) && typeof overdue === 'boolean' && instant(answerBy)
    && typeof referralId === 'string' && referralId.length > 0 && referralId.length <= 200;
  if (!valid) throw INVALID();
  return { side, at, overdue, answerBy, referralId } as BoardCursor;
}
