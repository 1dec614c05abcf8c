import type { Response } from 'express';
import type { CommandResult } from '../commands/handle-command';

/** 201 for a new append; 200 with Idempotent-Replayed for a retry answered from the log. */
export function respond(res: Response, result: CommandResult): CommandResult {
  res.setHeader('ETag', `"${result.nextRevision}"`);
  if (result.replayed) {
    res.status(200).setHeader('Idempotent-Replayed', 'true');
  } else {
    res.status(201);
  }
  return result;
}
