import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { BOARD_SIDES, type BoardSide } from '@samhandling/projections';

export const MAX_BOARD_LIMIT = 200;
export const DEFAULT_BOARD_LIMIT = 50;

export class BoardQueryDto {
  @ApiPropertyOptional({ enum: BOARD_SIDES, description: 'One side only; both sides (their first pages) when absent. A cursor names its side' })
  @IsOptional() @IsIn(BOARD_SIDES, { message: `side must be one of ${BOARD_SIDES.join(', ')}` })
  side?: BoardSide;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_BOARD_LIMIT, default: DEFAULT_BOARD_LIMIT, description: 'Referrals per side' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'limit must be a whole number' }) @Min(1, { message: 'limit must be at least 1' }) @Max(MAX_BOARD_LIMIT, { message: `limit must be at most ${MAX_BOARD_LIMIT}` })
  limit?: number;

  @ApiPropertyOptional({ description: 'next.incoming or next.outgoing of the previous page' })
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,1000}$/, { message: 'cursor must be a cursor this endpoint returned (next.incoming or next.outgoing)' })
  cursor?: string;
}
