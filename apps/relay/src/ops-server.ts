import { createServer, type Server } from 'node:http';
import type { Metrics } from '@samhandling/observability';

export interface ReadyCheck {
  name: string;
  check(): Promise<{ up: boolean; details?: Record<string, unknown> }>;
}

/**
 * The relay's operations port: GET /metrics (Prometheus), /health/live, /health/ready (200 when
 * every check is up, else 503 naming the failing ones). Nothing else is served; nothing here names
 * a person.
 */
export async function startOpsServer(options: { host: string; port: number; metrics: Metrics; checks: readonly ReadyCheck[] }): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return reply(405, JSON.stringify({ error: 'METHOD_NOT_ALLOWED' }));
    if (path === '/metrics') {
      void options.metrics.registry.metrics().then((text) => reply(200, text, options.metrics.registry.contentType), () => reply(500, '{"error":"METRICS"}'));
      return;
    }
    if (path === '/health/live') return reply(200, JSON.stringify({ status: 'ok' }));
    if (path === '/health/ready') {
      void Promise.all(options.checks.map(async (c) => [c.name, await c.check().catch((e: Error) => ({ up: false, details: { message: e.message } }))] as const)).then((results) => {
        const info = Object.fromEntries(results.map(([name, r]) => [name, { status: r.up ? 'up' : 'down', ...r.details }]));
        const down = results.filter(([, r]) => !r.up).map(([name]) => name);
        reply(down.length === 0 ? 200 : 503, JSON.stringify(down.length === 0 ? { status: 'ok', info } : { status: 'error', error: 'HEALTH.NOT_READY', message: `Not ready: ${down.join(', ')}`, info }));
      });
      return;
    }
    reply(404, JSON.stringify({ error: 'NOT_FOUND' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}
