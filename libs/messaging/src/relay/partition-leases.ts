import { Client } from 'pg';
import { errorSummary } from '@samhandling/event-store';
import type { Partition } from './partitions';

/** A partition's relay as the leases see it: started once leased, stopped (its batches in hand finished) before the lease goes. */
export interface PartitionWorker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface PartitionLeasesOptions {
  connectionString: string;
  /** The store schema: instances on one schema share its partitions. */
  schema: string;
  /** P: how many partitions the log is cut into; every instance of one deployment must say the same. */
  partitions: number;
  /** Makes the relay of a partition this instance has leased. */
  worker(partition: Partition): PartitionWorker;
  log?: (message: string) => void;
  /** The lease connection broke: other instances take the partitions over, so this one must stop at once. */
  onLost(error: Error): void;
  /** How often the share is checked and free partitions are tried (default 1000 ms). */
  intervalMs?: number;
}

/**
 * Divides the partitions of the log among the relay instances of a deployment. Each partition's
 * lease is a session-level PostgreSQL advisory lock, held on one connection of this instance's own:
 * when an instance exits or is killed, PostgreSQL ends its session and every lease it held is free
 * at once. The instances alive are the sessions with this application name; each tick an instance
 * keeps ceil(P / instances) partitions, lets go of any above that (its relay stopped first, so no
 * two relays ever work one partition), and leases free ones up to it. Joining, leaving and dying
 * all rebalance within a tick or two.
 */
export class PartitionLeases {
  private client?: Client;
  private readonly held = new Map<number, { worker: PartitionWorker; started: Promise<void>; failed?: boolean }>();
  private timer?: NodeJS.Timeout;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Where this instance starts looking for a free partition, so instances do not all race for partition 0. */
  private readonly offset: number;

  constructor(private readonly options: PartitionLeasesOptions) {
    if (!Number.isInteger(options.partitions) || options.partitions < 1) throw new Error(`partitions must be a whole number ≥ 1, got ${options.partitions}`);
    this.offset = Math.floor(Math.random() * options.partitions);
  }

  /** The application name every instance's lease connection carries: how instances count each other. */
  get member(): string {
    return `samhandling-relay:${this.options.schema}`.slice(0, 63);
  }

  /** The partitions this instance holds now. */
  get partitions(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  async start(): Promise<void> {
    const client = new Client({ connectionString: this.options.connectionString, application_name: this.member });
    const lost = (error: Error) => {
      if (!this.stopped) this.options.onLost(error);
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('the partition lease connection ended')));
    await client.connect();
    this.client = client;
    await this.tick();
    this.schedule();
  }

  /** Stops every relay this instance runs (batches in hand finish), then lets its leases go. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking.catch(() => undefined);
    await Promise.all(this.partitions.map((index) => this.release(index)));
    await this.client?.end().catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((error) => this.options.log?.(`rebalancing partitions failed, retrying: ${errorSummary(error)}`))
        .finally(() => this.schedule());
    }, this.options.intervalMs ?? 1_000);
  }

  private async tick(): Promise<void> {
    const client = this.client!;
    const { partitions } = this.options;
    const [{ n }] = (await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [this.member],
    )).rows;
    const share = Math.ceil(partitions / Math.max(1, Number(n)));
    // A relay that failed to start gives its lease back, to be taken again (here or elsewhere).
    for (const [index, lease] of this.held) if (lease.failed) await this.release(index);
    while (this.held.size > share && !this.stopped) {
      const index = Math.max(...this.held.keys());
      await this.release(index);
      this.options.log?.(`let partition ${index}/${partitions} go (${n} instances share ${partitions}: ${share} each)`);
    }
    for (let k = 0; k < partitions && this.held.size < share && !this.stopped; k++) {
      const index = (this.offset + k) % partitions;
      if (this.held.has(index)) continue;
      const [{ ok }] = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [this.key(index)])).rows;
      if (!ok) continue;
      const worker = this.options.worker({ index, count: partitions });
      // Started in the background: a first start may fold the log up to the checkpoint first, and the leases tick on meanwhile.
      const lease: { worker: PartitionWorker; started: Promise<void>; failed?: boolean } = { worker, started: Promise.resolve() };
      lease.started = worker.start().catch((error) => {
        lease.failed = true;
        this.options.log?.(`the relay of partition ${index}/${partitions} failed to start: ${errorSummary(error)}`);
      });
      this.held.set(index, lease);
      this.options.log?.(`took partition ${index}/${partitions}`);
    }
  }

  private async release(index: number): Promise<void> {
    const lease = this.held.get(index);
    if (!lease) return;
    // Stopped first, so a start still folding the log up to its checkpoint ends at its next chunk;
    // the lease goes only once that start has returned too.
    await lease.worker.stop().catch((error) => this.options.log?.(`stopping the relay of partition ${index} failed: ${errorSummary(error)}`));
    await lease.started;
    this.held.delete(index);
    await this.client?.query('SELECT pg_advisory_unlock(hashtext($1))', [this.key(index)]).catch(() => undefined);
  }

  private key(index: number): string {
    return `samhandling-relay:${this.options.schema}:p${index}/${this.options.partitions}`;
  }
}
