import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';

/**
 * How many long-polls each agency holds open on this instance. Each waiting request costs a
 * connection and a store read every poll interval; without a cap, one agency's thousands of waits
 * slowed every other caller. Only requests that actually wait take a slot.
 */
@Injectable()
export class WaitingSlots {
  private readonly waiting = new Map<string, number>();
  readonly cap: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.cap = config.http.feedMaxWaitingPerAgency;
  }

  /** A release function (safe to call twice), or undefined when the agency already holds `cap`. */
  take(agency: string): (() => void) | undefined {
    const held = this.held(agency);
    if (held >= this.cap) return undefined;
    this.waiting.set(agency, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.held(agency) - 1;
      if (left > 0) this.waiting.set(agency, left);
      else this.waiting.delete(agency);
    };
  }

  held(agency: string): number {
    return this.waiting.get(agency) ?? 0;
  }
}
