import { Controller, Get, HttpException, HttpStatus, Inject, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import type { FeedPage, FeedStore } from '@samhandling/messaging';
import { CurrentCaller } from '../platform/auth/auth.guard';
import type { Caller } from '../platform/auth/token-verifier';
import { FeedQueryDto } from './feed.dto';
import { FEED_STORE } from './feed.providers';
import { WaitingSlots } from './waiting-slots';

const POLL_MS = 100;
/** A slot frees when any of the agency's waits ends, which is usually soon; a second is a fair pause. */
const RETRY_AFTER_SECONDS = 1;

@ApiTags('feed')
@ApiBearerAuth()
@Controller('feed')
export class FeedController {
  constructor(
    @Inject(FEED_STORE) private readonly feed: FeedStore,
    private readonly slots: WaitingSlots,
  ) {}

  /**
   * What the relay delivered to the calling agency, in delivery order — the same CloudEvents its
   * Kafka topic carries, each already recorded as a disclosure (or the agency's own record).
   */
  @Get()
  @ApiOperation({ summary: 'Events delivered to your agency after a cursor, oldest first; long-polls with wait' })
  @ApiOkResponse({ description: '{ events: CloudEvents, nextCursor, head }: pass nextCursor as after to read on; you are caught up when nextCursor reaches head (the cursor of your newest delivery). Every delivery stays in the feed, so after=0 replays your whole entitled history whatever Kafka retention says' })
  @ApiTooManyRequestsResponse({ description: 'FEED.TOO_MANY_WAITING: your agency already holds the most long-polls allowed (FEED_MAX_WAITING_PER_AGENCY); retry after Retry-After' })
  async read(@Query() query: FeedQueryDto, @CurrentCaller() caller: Caller, @Req() request: Request): Promise<FeedPage> {
    const after = query.after ?? 0;
    const limit = query.limit ?? 100;
    const deadline = Date.now() + (query.wait ?? 0) * 1000;
    const response = request.res!;
    let gone = false;
    let wake = () => {};
    // The response closes when the answer is sent or the client goes away; either ends the wait at once.
    const onClose = () => { gone = true; wake(); };
    response.once('close', onClose);
    let release: (() => void) | undefined;
    try {
      for (;;) {
        const page = await this.feed.read(caller.agency.id, after, limit);
        const left = deadline - Date.now();
        // head once, for the page answered, not on every poll of a wait.
        if (page.events.length > 0 || left <= 0 || gone) return { ...page, head: Math.max(await this.feed.head(caller.agency.id), page.nextCursor) };
        release ??= this.slots.take(caller.agency.id) ?? this.refuse(response);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(POLL_MS, left));
          wake = () => { clearTimeout(timer); resolve(); };
        });
      }
    } finally {
      release?.();
      response.off('close', onClose);
    }
  }

  /** Refusing, rather than answering at once with nothing, keeps a client from turning its wait into a busy loop. */
  private refuse(response: NonNullable<Request['res']>): never {
    response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    throw new HttpException({
      error: 'FEED.TOO_MANY_WAITING',
      message: `Your agency already has ${this.slots.cap} feed requests waiting; let one finish, or retry after ${RETRY_AFTER_SECONDS} s`,
    }, HttpStatus.TOO_MANY_REQUESTS);
  }
}
