/** Where a CLI command writes: standard output for results, standard error for messages and progress. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Where a progress bar draws (a TTY gets a live bar, anything else a line now and then). */
  progress: NodeJS.WritableStream;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
  progress: process.stderr,
};

/** 0 ok, 1 the work failed, 2 usage or configuration, 3 broken disclosure chain. */
export const EXIT = { ok: 0, failed: 1, usage: 2, brokenChain: 3 } as const;

/** A mistake of the caller's (arguments, settings): exit 2 with the message, no stack trace. */
export class UsageError extends Error {}
