import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorResponse } from './error-envelope';

/** Every error a client sees leaves through here, in DESIGN.md's envelope. */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception, this.logger);
  }
}

export function sendError(request: FastifyRequest, reply: FastifyReply, exception: unknown, logger: Logger): void {
  const response = errorResponse(exception, request.id);
  if (!response.expected) {
    logger.error({ msg: 'request failed', method: request.method, url: request.url, error: exception instanceof Error ? exception.stack : String(exception) });
  }
  void reply.status(response.status).headers(response.headers).send(response.body);
}
