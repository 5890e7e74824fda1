import { ProctorError } from '@proctor/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash, Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A body read whole, with the SHA-256 taken of it while it came in. */
export interface HashedBody {
  bytes: Buffer;
  /** Hex. */
  sha256: string;
}

/**
 * Takes bodies of one content type as a Buffer, up to `maxBytes`. Over it, `tooLarge` is thrown,
 * so that the envelope names the limit of this kind of body (Fastify's own limit error could not
 * tell a project archive from an artifact). A declared Content-Length over the limit is refused
 * before a byte is read.
 */
export function addRawBodyParser(fastify: FastifyInstance, contentType: string, maxBytes: number, tooLarge: () => ProctorError): void {
  fastify.addContentTypeParser(contentType, { bodyLimit: Number.MAX_SAFE_INTEGER }, (request: FastifyRequest, payload: IncomingMessage) =>
    readBody(request, payload, maxBytes, tooLarge),
  );
}

/**
 * As addRawBodyParser, the body given as a HashedBody: the digest is taken chunk by chunk while
 * the rest is still on its way, rather than in one pass over the whole body once it is in.
 */
export function addHashedBodyParser(fastify: FastifyInstance, contentType: string, maxBytes: number, tooLarge: () => ProctorError): void {
  fastify.addContentTypeParser(contentType, { bodyLimit: Number.MAX_SAFE_INTEGER }, async (request: FastifyRequest, payload: IncomingMessage): Promise<HashedBody> => {
    const hash = createHash('sha256');
    const bytes = await readBody(request, payload, maxBytes, tooLarge, hash);
    return { bytes, sha256: hash.digest('hex') };
  });
}

async function readBody(request: FastifyRequest, payload: IncomingMessage, maxBytes: number, tooLarge: () => ProctorError, hash?: Hash): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      payload.destroy();
      throw tooLarge();
    }
    hash?.update(chunk);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
