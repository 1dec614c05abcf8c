import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { storage, Store } from 'nestjs-pino/storage';
import { isVisibleToken } from '../http/visible-token';


export interface LogOptions {
  /** LOG_LEVEL (info): trace, debug, info, warn, error, fatal or silent. */
  level: string;
  /** Where the JSON lines go (tests); default standard output. */
  destination?: DestinationStream;
}

/**
 * Personal data never reaches a log line: request and response bodies are not logged at all, the
 * request is logged as method, route pattern and status only, and whatever might still carry
 * personal fields or credentials is censored by path (pino `redact`), should a log call pass it.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
  '*.authorization', '*.token', '*.password',
  '*.givenName', '*.familyName', '*.name', '*.birthDate', '*.summary', '*.concern', '*.concerns', '*.note', '*.notes', '*.text',
  '*.justification', '*.comment', '*.body', 'body',
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** `/subjects/3f…/contacts?x=1` → `/subjects/:id/contacts`: ids and numbers out, the query dropped. */
export function pathWithoutIds(url = ''): string {
  return url.split('?')[0].replace(UUID, ':id').replace(/\/\d+(?=\/|$)/g, '/:n').slice(0, 200);
}

export function correlationIdOf(req: IncomingMessage): string {
  const given = req.headers['x-correlation-id'];
  return isVisibleToken(given) ? given : randomUUID();
}

/** Structured JSON logs with pino (nestjs-pino): one line per request, each with its correlation id. */
export function loggingModule(options: LogOptions): DynamicModule {
  const settings = {
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = correlationIdOf(req);
      res.setHeader('X-Correlation-Id', id);
      return id;
    },
    customAttributeKeys: { reqId: 'correlationId' },
    serializers: {
      // Method and path with every id taken out, no query: the raw URL holds person ids.
      req: (req: { method?: string; url?: string }) => ({ method: req.method, path: pathWithoutIds(req.url) }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    quietReqLogger: true,
  };
  return LoggerModule.forRoot({ pinoHttp: options.destination ? [settings, options.destination] : settings });
}

/** Runs `work` with log lines carrying `correlationId` (an inbox message, say), as requests do. */
export function withCorrelation<T>(correlationId: string, work: () => Promise<T>): Promise<T> {
  const root = PinoLogger.root;
  if (!root) return work();
  return storage.run(new Store(root.child({ correlationId })), work);
}
