import { isUtf8 } from 'node:buffer';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { findHostileInput } from './hostile-input';

/**
 * JSON bodies only, up to `limit`, UTF-8 (or the UTF-16/32 JSON allows), identity/gzip/deflate/br.
 * Every refusal is a coded 4xx answered here, before Nest: body-parser's own messages quote the body.
 * A parsed body must be a JSON object without hostile content (see hostile-input.ts) — checked here,
 * before anything hashes or walks it, and again by the validation pipe, which the Kafka inbox shares.
 */
export function useJsonBodies(app: NestExpressApplication, limit: string): void {
  app.useBodyParser('json', { limit, verify: refuseInvalidUtf8 });
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const body = describeBodyParserError(error, limit);
    return body ? res.status(body.statusCode).json(body) : next(error);
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.body === undefined) return next();
    const found = findHostileInput(req.body);
    if (found) return res.status(400).json({ statusCode: 400, ...found });
    if (Array.isArray(req.body)) return res.status(400).json({ statusCode: 400, error: 'REQUEST.BODY_NOT_OBJECT', message: 'Request body must be a JSON object' });
    return next();
  });
}

/** Invalid UTF-8 would be decoded to U+FFFD and stored as if the caller had sent that. */
function refuseInvalidUtf8(req: Request, _res: Response, raw: Buffer, encoding: string): void {
  if (encoding.toLowerCase() === 'utf-8' && !isUtf8(raw)) {
    throw Object.assign(new Error('Request body is not valid UTF-8'), { status: 400, type: 'entity.invalid.utf8' });
  }
}

/** The shape of error.filter's ErrorBody (not imported: the filter imports this file). */
interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

const BY_TYPE: Record<string, Omit<ErrorBody, 'message'> & { message: (limit: string) => string }> = {
  'entity.parse.failed': { statusCode: 400, error: 'REQUEST.MALFORMED_JSON', message: () => 'Request body is not valid JSON (it must be a JSON object)' },
  'entity.too.large': { statusCode: 413, error: 'REQUEST.TOO_LARGE', message: (limit) => `Request body exceeds ${limit}` },
  'entity.invalid.utf8': { statusCode: 400, error: 'REQUEST.INVALID_UTF8', message: () => 'Request body is not valid UTF-8' },
  'encoding.unsupported': { statusCode: 415, error: 'REQUEST.UNSUPPORTED_ENCODING', message: () => 'Content-Encoding must be identity, gzip, deflate or br' },
  'charset.unsupported': { statusCode: 415, error: 'REQUEST.UNSUPPORTED_CHARSET', message: () => 'A JSON body must be UTF-8 (charset=utf-8)' },
  'request.size.invalid': { statusCode: 400, error: 'REQUEST.LENGTH_MISMATCH', message: () => 'Request body length does not match Content-Length' },
  'request.aborted': { statusCode: 400, error: 'REQUEST.ABORTED', message: () => 'The request was aborted while its body was read' },
};

/**
 * What a body-parser error tells the caller; undefined for any other error. Never the error's own
 * message, which can quote the body. A body that fails to decompress comes as a bare zlib error.
 */
export function describeBodyParserError(error: unknown, limit = 'the size limit'): ErrorBody | undefined {
  const e = error as { type?: unknown; status?: unknown; code?: unknown } | null;
  if (typeof e !== 'object' || e === null) return undefined;
  const known = typeof e.type === 'string' ? BY_TYPE[e.type] : undefined;
  if (known) return { statusCode: known.statusCode, error: known.error, message: known.message(limit) };
  if (e.status === 400 && typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return { statusCode: 400, error: 'REQUEST.MALFORMED_ENCODING', message: 'Request body does not decompress with its Content-Encoding' };
  }
  return undefined;
}
