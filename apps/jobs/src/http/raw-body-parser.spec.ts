import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import Fastify, { FastifyInstance } from 'fastify';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { addHashedBodyParser, addRawBodyParser, HashedBody } from './raw-body-parser';

describe('addRawBodyParser', () => {
  let fastify: FastifyInstance;

  beforeEach(async () => {
    fastify = Fastify();
    addRawBodyParser(fastify, 'application/octet-stream', 10, () => new ProctorError(CommonErrorCode.PayloadTooLarge, 'too big'));
    fastify.put('/', async (request) => ({ size: (request.body as Buffer).length, text: (request.body as Buffer).toString() }));
    fastify.setErrorHandler((error, _request, reply) => reply.status(error instanceof ProctorError ? 413 : 500).send({ error: (error as { code?: string }).code }));
    await fastify.ready();
  });

  afterEach(() => fastify.close());

  const put = (payload: string | Readable, headers: Record<string, string> = {}) =>
    fastify.inject({ method: 'PUT', url: '/', headers: { 'content-type': 'application/octet-stream', ...headers }, payload });

  it('hands the body over as bytes up to the limit', async () => {
    const answer = await put('0123456789');
    expect(answer.json()).toEqual({ size: 10, text: '0123456789' });
  });

  it('refuses a declared length over the limit before reading', async () => {
    expect((await put('01234567890')).json()).toEqual({ error: 'payload_too_large' });
  });

  it('refuses a streamed body once it passes the limit, whatever no length said', async () => {
    const answer = await put(Readable.from([Buffer.from('012345'), Buffer.from('67890')]));
    expect(answer.json()).toEqual({ error: 'payload_too_large' });
  });
});

describe('addHashedBodyParser', () => {
  let fastify: FastifyInstance;

  beforeEach(async () => {
    fastify = Fastify();
    addHashedBodyParser(fastify, 'application/zip', 1024 * 1024, () => new ProctorError(CommonErrorCode.PayloadTooLarge, 'too big'));
    fastify.post('/', async (request) => {
      const body = request.body as HashedBody;
      return { size: body.bytes.length, sha256: body.sha256, same: body.bytes.equals(sent) };
    });
    await fastify.ready();
  });

  afterEach(() => fastify.close());

  const sent = randomBytes(300 * 1024);
  const sha256 = createHash('sha256').update(sent).digest('hex');

  it('hands over the bytes and their SHA-256, with a declared length or without', async () => {
    const declared = await fastify.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/zip' }, payload: sent });
    expect(declared.json()).toEqual({ size: sent.length, sha256, same: true });
    const chunks = [0, 1, 2].map((i) => sent.subarray(i * 100 * 1024, (i + 1) * 100 * 1024));
    const streamed = await fastify.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/zip' }, payload: Readable.from(chunks) });
    expect(streamed.json()).toEqual({ size: sent.length, sha256, same: true });
  });
});
