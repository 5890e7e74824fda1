import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import Fastify, { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { addRawBodyParser } from './raw-body-parser';

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
