import { Logger } from '@nestjs/common';
import { API_VERSION_HEADER, isSupportedApiVersion, SUPPORTED_API_VERSIONS } from '@proctor/auth';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import { RequestContext } from '@proctor/observability';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { sendError } from './error-envelope.filter';

const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller's own request id when it is sane, so that its logs and ours share one key. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && ACCEPTABLE_REQUEST_ID.test(value) ? value : randomUUID();
}

/**
 * Hooks that run before routing, for every request: the request id (echoed back and carried in
 * every log line and message hop) and the API version check. Errors Fastify raises itself (a body
 * over the limit, malformed JSON) reach the ErrorEnvelopeFilter through Nest's own error handler.
 */
export function installRequestHooks(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (!isSupportedApiVersion(request.headers[API_VERSION_HEADER])) {
      const error = new ProctorError(CommonErrorCode.UnsupportedApiVersion, `this server speaks X-API-Version ${SUPPORTED_API_VERSIONS.join(', ')}`, {
        requested: request.headers[API_VERSION_HEADER],
        supported: [...SUPPORTED_API_VERSIONS],
      });
      sendError(request, reply, error, logger);
      return;
    }
    RequestContext.run({ requestId: request.id }, done);
  });
}

export const fastifyRequestIdOptions = {
  requestIdHeader: false as const,
  genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => requestIdFrom(request.headers[REQUEST_ID_HEADER]),
};
