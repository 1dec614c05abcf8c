import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { SqlEventStore } from '@samhandling/event-store';
import {
  checkCustomDefinition, customProjection, ProjectionRuntime, type CustomProjectionDefinition, type CustomState, type Projection,
} from '@samhandling/projections';
import { RESERVED_PROJECTION_NAMES } from '../api-projections';

/** The injection token of the loaded definitions (app.module.ts provides what bootstrap.ts loaded). */
export const CUSTOM_DEFINITIONS = Symbol('CUSTOM_DEFINITIONS');

export interface LoadedCustomProjection {
  file: string;
  definition: CustomProjectionDefinition;
  projection: Projection<CustomState>;
}

/**
 * Loads and checks the modules CUSTOM_PROJECTIONS names (CommonJS or ESM, the definition as the
 * default export). Any problem stops start-up, naming the file and every problem with it: a
 * mistyped category must not surface as a failing read later.
 */
export async function loadCustomProjections(files: readonly string[]): Promise<LoadedCustomProjection[]> {
  const loaded: LoadedCustomProjection[] = [];
  for (const file of files) {
    let exported: unknown;
    try {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      exported = module.default;
    } catch (error) {
      throw new Error(`CUSTOM_PROJECTIONS: ${file} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      const definition = checkCustomDefinition(exported, [...RESERVED_PROJECTION_NAMES, ...loaded.map((l) => l.definition.name)]);
      loaded.push({ file, definition, projection: customProjection(definition) });
    } catch (error) {
      throw new Error(`CUSTOM_PROJECTIONS: ${file}: ${(error as Error).message}`);
    }
  }
  return loaded;
}

/**
 * The configured custom projections, by name, and the runtime that folds them. It is a runtime of
 * their own beside the API's: an integrator's evolve that throws holds up only the custom reads,
 * never the built-in projections or the policy state every read and command decides on.
 */
export class CustomProjections {
  private readonly byName: ReadonlyMap<string, LoadedCustomProjection>;

  private constructor(loaded: readonly LoadedCustomProjection[], private readonly folding?: ProjectionRuntime) {
    this.byName = new Map(loaded.map((l) => [l.definition.name, l]));
  }

  /** `loaded`: what loadCustomProjections found, before the store was opened (so a bad module leaves nothing open). */
  static async start(store: SqlEventStore, loaded: readonly LoadedCustomProjection[]): Promise<CustomProjections> {
    if (loaded.length === 0) return new CustomProjections([]);
    const log = new Logger('CustomProjections');
    let logged: string | undefined;
    // The runtime retries a failing batch every poll: say so once per distinct failure.
    const onError = (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== logged) log.error(`${message}; retrying (custom projection reads answer 503 until it folds)`);
      logged = message;
    };
    return new CustomProjections(loaded, await ProjectionRuntime.start(store, loaded.map((l) => l.projection), { createTable: false, onError }));
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  get(name: string): LoadedCustomProjection | undefined {
    return this.byName.get(name);
  }

  get runtime(): ProjectionRuntime {
    if (!this.folding) throw new Error('No custom projection is configured (CUSTOM_PROJECTIONS)');
    return this.folding;
  }

  /**
   * Resolves once the custom projections have folded every event appended before the call. Refuses
   * (503) rather than wait while they are failing to fold: the runtime retries a failing evolve
   * until the module is fixed, so such a read would never be answered.
   */
  async catchUp(): Promise<void> {
    const runtime = this.runtime;
    const failing = () => new ServiceUnavailableException({ error: 'READ.PROJECTION_FAILING', message: `Custom projections cannot fold the log: ${(runtime.lastError as Error).message}` });
    if (runtime.lastError) throw failing();
    let settled = false;
    const done = runtime.catchUp().finally(() => { settled = true; });
    while (!settled) {
      await Promise.race([done, sleep(200)]);
      if (!settled && runtime.lastError) {
        done.catch(() => undefined);
        throw failing();
      }
    }
    await done;
  }

  async stop(): Promise<void> {
    await this.folding?.stop();
  }
}
