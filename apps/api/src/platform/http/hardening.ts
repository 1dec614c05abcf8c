import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { HttpSettings } from '../config/http-settings';

const HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600;

/**
 * Headers every response gets, registered before anything else so that error answers carry them
 * too. The Content-Security-Policy is what the bundled Swagger UI at /docs needs and no more: its
 * scripts, styles and images come from this server (no CDN); it needs inline <style> blocks and
 * data: images. The JSON API itself never renders, so the policy costs it nothing.
 */
export function applyHttpHardening(app: NestExpressApplication, settings: HttpSettings): void {
  app.set('trust proxy', settings.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      xFrameOptions: { action: 'deny' },
      // Sent below, and only over TLS: browsers ignore it on plain HTTP, and a local install has no TLS.
      strictTransportSecurity: false,
    }),
  );
  const hsts = helmet.strictTransportSecurity({ maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: true });
  // req.secure is true for a direct TLS socket, or for X-Forwarded-Proto: https from a trusted proxy (TRUST_PROXY).
  app.use((req: Request, res: Response, next: NextFunction) => (req.secure ? hsts(req, res, next) : next()));
  app.use(noStore);
}

/**
 * Any answer may carry personal data (reads, feed, audit, access reports, command results, even
 * an error quoting an id), so nothing may be kept by a browser or proxy cache — except the
 * documentation's static files, which describe the API and never a person.
 */
function noStore(req: Request, res: Response, next: NextFunction): void {
  if (!isDocs(req.path)) {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
  }
  next();
}

const isDocs = (path: string) => path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs-');
