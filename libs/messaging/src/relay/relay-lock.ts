import { Client } from 'pg';

/** Makes sure only one relay works on a log at a time. */
export interface RelayLock {
  acquire(): Promise<void>;
  release(): Promise<void>;
}

export interface PgRelayLockOptions {
  connectionString: string;
  /** Lock name; one per store schema. */
  name: string;
  log?: (message: string) => void;
  /** The lock's connection broke: another relay may take over, so this one must stop at once. */
  onLost: (error: Error) => void;
  pollMs?: number;
}

/**
 * A PostgreSQL session-level advisory lock on a connection of its own (a pooled connection
 * would hand the lock to whoever borrows it next). A second relay waits as a hot standby and
 * takes over when the first one's session ends — on exit, on SIGKILL, or when its connection drops.
 */
export class PgRelayLock implements RelayLock {
  private client?: Client;
  private released = false;

  constructor(private readonly options: PgRelayLockOptions) {}

  async acquire(): Promise<void> {
    const client = new Client({ connectionString: this.options.connectionString, application_name: 'samhandling-relay-lock' });
    client.on('error', (error) => {
      if (!this.released) this.options.onLost(error);
    });
    await client.connect();
    this.client = client;
    let waitingSince: number | undefined;
    for (;;) {
      const [row] = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [this.options.name])).rows;
      if (row.ok) break;
      const now = Date.now();
      if (waitingSince === undefined || now - waitingSince > 60_000) {
        this.options.log?.(`another relay holds the lock "${this.options.name}": waiting as a standby until it stops`);
        waitingSince = now;
      }
      await new Promise((r) => setTimeout(r, this.options.pollMs ?? 1_000));
    }
    client.on('end', () => {
      if (!this.released) this.options.onLost(new Error('the relay lock connection ended'));
    });
  }

  async release(): Promise<void> {
    this.released = true;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [this.options.name]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
