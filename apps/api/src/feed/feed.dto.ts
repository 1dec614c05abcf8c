import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Digits only become numbers; anything else stays as sent and fails IsInt with a clear message. */
const integer = () => Transform(({ value }) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value));

export const MAX_FEED_LIMIT = 500;
export const MAX_FEED_WAIT_SECONDS = 30;

export class FeedQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page; 0 (default) reads from the start', minimum: 0 })
  @IsOptional() @integer() @IsInt({ message: 'after must be a whole number (the nextCursor of the previous page)' }) @Min(0, { message: 'after must be 0 or more' })
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_FEED_LIMIT, default: 100 })
  @IsOptional() @integer() @IsInt({ message: 'limit must be a whole number' }) @Min(1, { message: 'limit must be at least 1' }) @Max(MAX_FEED_LIMIT, { message: `limit must be at most ${MAX_FEED_LIMIT}` })
  limit?: number;

  @ApiPropertyOptional({ description: 'Seconds to wait for a delivery when there is none yet (long polling); 0 answers at once', minimum: 0, maximum: MAX_FEED_WAIT_SECONDS, default: 0 })
  @IsOptional() @integer() @IsInt({ message: 'wait must be a whole number of seconds' }) @Min(0, { message: 'wait must be 0 or more' }) @Max(MAX_FEED_WAIT_SECONDS, { message: `wait must be at most ${MAX_FEED_WAIT_SECONDS} seconds` })
  wait?: number;
}
