import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { FeedPage, FeedStore } from '@samhandling/messaging';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/token-verifier';
import { FeedQueryDto } from './feed.dto';
import { FEED_STORE } from './feed.providers';

const POLL_MS = 100;

@ApiTags('feed')
@ApiBearerAuth()
@Controller('feed')
export class FeedController {
  constructor(@Inject(FEED_STORE) private readonly feed: FeedStore) {}

  /**
   * What the relay delivered to the calling agency, in delivery order — the same CloudEvents its
   * Kafka topic carries, each already recorded as a disclosure (or the agency's own record).
   */
  @Get()
  @ApiOperation({ summary: 'Events delivered to your agency after a cursor, oldest first; long-polls with wait' })
  @ApiOkResponse({ description: '{ events: CloudEvents, nextCursor }: pass nextCursor as after to read on' })
  async read(@Query() query: FeedQueryDto, @CurrentCaller() caller: Caller, @Req() request: Request): Promise<FeedPage> {
    const after = query.after ?? 0;
    const limit = query.limit ?? 100;
    const deadline = Date.now() + (query.wait ?? 0) * 1000;
    let gone = false;
    request.once('close', () => { gone = true; });
    for (;;) {
      const page = await this.feed.read(caller.agency.id, after, limit);
      const left = deadline - Date.now();
      if (page.events.length > 0 || left <= 0 || gone) return page;
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS, left)));
    }
  }
}
