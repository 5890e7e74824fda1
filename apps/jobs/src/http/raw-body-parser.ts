import { ProctorError } from '@proctor/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

/**
 * Takes bodies of one content type as a Buffer, up to `maxBytes`. Over it, `tooLarge` is thrown,
 * so that the envelope names the limit of this kind of body (Fastify's own limit error could not
 * tell a project archive from an artifact). A declared Content-Length over the limit is refused
 * before a byte is read.
 */
export function addRawBodyParser(fastify: FastifyInstance, contentType: string, maxBytes: number, tooLarge: () => ProctorError): void {
  fastify.addContentTypeParser(contentType, { bodyLimit: Number.MAX_SAFE_INTEGER }, async (request: FastifyRequest, payload: IncomingMessage) => {
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
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size);
  });
}
