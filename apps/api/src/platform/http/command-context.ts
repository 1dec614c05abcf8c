import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { canonicalJson } from '@samhandling/audit';
import type { Caller } from '../auth/token-verifier';
import type { CommandContext } from '../commands/handle-command';
import { VISIBLE_TOKEN as KEY } from './visible-token';


/** Builds the command context of an authenticated request: who, correlation, idempotency. */
export const CommandCtx = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<Request & { caller: Caller }>();
  const key = request.header('idempotency-key');
  if (key !== undefined && !KEY.test(key)) {
    throw new BadRequestException({ error: 'REQUEST.INVALID_IDEMPOTENCY_KEY', message: 'Idempotency-Key must be 1–200 visible ASCII characters' });
  }
  const ifMatch = request.header('if-match');
  const revision = ifMatch === undefined ? undefined : /^"?(\d{1,15})"?$/.exec(ifMatch.trim())?.[1];
  if (ifMatch !== undefined && revision === undefined) {
    throw new BadRequestException({ error: 'REQUEST.INVALID_IF_MATCH', message: 'If-Match must be the stream revision the command was decided on, e.g. "3"' });
  }
  // The request's correlation id as the logs carry it (pino-http, observability/logging.ts).
  const correlation = typeof (request as { id?: unknown }).id === 'string' ? String((request as { id?: unknown }).id) : request.header('x-correlation-id');
  return {
    agency: request.caller.agency.id,
    actor: request.caller.actor,
    correlationId: correlation && KEY.test(correlation) ? correlation : randomUUID(),
    ...(revision !== undefined ? { expectedRevision: Number(revision) } : {}),
    ...(key ? { idempotencyKey: key, requestHash: requestHash(request) } : {}),
  };
});

function requestHash(request: Request): string {
  return createHash('sha256').update(`${request.method} ${request.path}\n${canonicalJson(request.body)}`).digest('base64url');
}
