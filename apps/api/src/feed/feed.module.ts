import { Module } from '@nestjs/common';
import { FeedController } from './feed.controller';
import { feedProviders } from './feed.providers';
import { WaitingSlots } from './waiting-slots';

/** GET /feed, and the in-process relay that fills it when the API runs on the embedded store. */
@Module({ controllers: [FeedController], providers: [...feedProviders, WaitingSlots] })
export class FeedModule {}
