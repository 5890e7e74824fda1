import { MetricsService } from '@proctor/observability';
import { createServer, Server, ServerResponse } from 'node:http';
import { AmqpConnection } from '../connection/amqp-connection';

/**
 * A daemon's `/healthz` and `/metrics` on plain node:http: a daemon has no other HTTP surface, so
 * Nest would only add start-up time and memory on small lab machines.
 */
export function createDaemonHttpServer(metrics: MetricsService, connection: AmqpConnection): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://daemon').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'method_not_allowed', message: `${req.method} is not allowed here` });
    } else if (path === '/healthz') {
      // Alive even while the broker is away: the daemon reconnects by itself, a restart would not help.
      sendJson(res, 200, { status: 'ok', broker: connection.isConnected ? 'connected' : 'reconnecting' });
    } else if (path === '/metrics') {
      metrics.render().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
          res.end(text);
        },
        (e: Error) => sendJson(res, 500, { error: 'internal', message: e.message }),
      );
    } else {
      sendJson(res, 404, { error: 'not_found', message: `no route ${req.method} ${path}` });
    }
  });
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
}
