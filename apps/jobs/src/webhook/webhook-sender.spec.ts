import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { postWebhook } from './webhook-sender';
import { WebhookTargetPolicy } from './webhook-target-policy';

describe('postWebhook', () => {
  let server: Server;
  let status = 200;
  const bodies: string[] = [];
  const loopbackAllowed = new WebhookTargetPolicy(['127.0.0.0/8', '::1']);
  const closed = new WebhookTargetPolicy([]);

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        bodies.push(body);
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    bodies.length = 0;
    status = 200;
  });

  const port = () => (server.address() as AddressInfo).port;

  it('POSTs the body and counts a 2xx as delivered, anything else as a failure', async () => {
    await expect(postWebhook(`http://127.0.0.1:${port()}/hook`, '{"a":1}', { 'content-type': 'application/json' }, 2000, loopbackAllowed)).resolves.toEqual({
      result: 'delivered',
      error: '',
    });
    status = 302;
    await expect(postWebhook(`http://127.0.0.1:${port()}/hook`, '{"a":2}', {}, 2000, loopbackAllowed)).resolves.toEqual({ result: 'failed', error: 'HTTP 302' });
    expect(bodies).toEqual(['{"a":1}', '{"a":2}']);
  });

  it('refuses an internal address written as such, without connecting', async () => {
    await expect(postWebhook(`http://127.0.0.1:${port()}/hook`, '{}', {}, 2000, closed)).resolves.toEqual({
      result: 'refused',
      error: 'refused: 127.0.0.1 is a loopback address (JOBS_WEBHOOK_ALLOWED_CIDRS can allow internal networks)',
    });
    await expect(postWebhook('http://[::1]:9/hook', '{}', {}, 2000, closed)).resolves.toMatchObject({ result: 'refused' });
    expect(bodies).toEqual([]);
  });

  it('refuses a name that resolves to an internal address, without connecting', async () => {
    const response = await postWebhook(`http://localhost:${port()}/hook`, '{}', {}, 2000, closed);
    expect(response).toEqual({ result: 'refused', error: expect.stringMatching(/^refused: localhost: .* is a loopback address/) });
    expect(bodies).toEqual([]);
  });

  it('refuses what it cannot send rather than throwing: a URL the parser refuses, another scheme', async () => {
    await expect(postWebhook('http://exa mple.com/', '{}', {}, 2000, closed)).resolves.toEqual({ result: 'refused', error: 'refused: the URL cannot be parsed' });
    await expect(postWebhook('ftp://example.com/', '{}', {}, 2000, closed)).resolves.toEqual({ result: 'refused', error: 'refused: ftp: is not http or https' });
  });

  it('refuses the bracketed IPv4-mapped form of an internal address', async () => {
    await expect(postWebhook(`http://[::ffff:127.0.0.1]:${port()}/hook`, '{}', {}, 2000, closed)).resolves.toMatchObject({ result: 'refused' });
    await expect(postWebhook('http://[::ffff:169.254.169.254]/latest/meta-data', '{}', {}, 2000, closed)).resolves.toEqual({
      result: 'refused',
      error: 'refused: 169.254.169.254 is a link-local address (JOBS_WEBHOOK_ALLOWED_CIDRS can allow internal networks)',
    });
    expect(bodies).toEqual([]);
  });

  it('reaches a name on an allowed network', async () => {
    await expect(postWebhook(`http://localhost:${port()}/hook`, '{}', {}, 2000, loopbackAllowed)).resolves.toEqual({ result: 'delivered', error: '' });
  });

  it('fails a receiver that does not answer in time', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const response = await postWebhook(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, '{}', {}, 200, loopbackAllowed);
      expect(response).toEqual({ result: 'failed', error: 'no answer within 200 ms' });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
