import { SingleBar } from 'cli-progress';

/** How far a rebuild has come: feed cursors are ordered, not dense, so cursor / head is a fair fraction. */
export interface RebuildProgress {
  cursor: number;
  head: number;
  applied: number;
}

type Report = (progress: RebuildProgress | undefined, last?: boolean) => void;

/** A progress bar on stderr (on a terminal; a line every few seconds elsewhere), a callback, or nothing. */
export function progressReporter(option: boolean | ((p: RebuildProgress) => void) | undefined, start: number): Report {
  if (typeof option === 'function') return (p) => p && option(p);
  if (option === false || (option === undefined && !process.stderr.isTTY)) return () => undefined;
  const bar = new SingleBar({
    stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5_000, hideCursor: true,
    format: 'rebuild [{bar}] {percentage}% | {applied} events applied | feed cursor {value}/{total}',
  });
  let started = false;
  return (p, last) => {
    if (p) {
      if (!started) bar.start(Math.max(p.head, 1), start, { applied: 0 });
      started = true;
      bar.setTotal(Math.max(p.head, p.cursor, 1));
      bar.update(p.cursor, { applied: p.applied });
    }
    if (last && started) bar.stop();
  };
}
