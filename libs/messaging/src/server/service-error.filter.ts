import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { codeForHttpStatus, CommonErrorCode, httpStatusFor, isKnownErrorCode, ProctorError } from '@proctor/contracts';
import type { FastifyReply } from 'fastify';
import { Observable, throwError } from 'rxjs';

export interface HttpErrorEnvelope {
  status: number;
  body: { error: string; message: string; details?: Record<string, unknown> };
}

/**
 * DESIGN.md's envelope and status for an error met on a service's own HTTP port, with the
 * gateway's mapping of codes to statuses: a ProctorError keeps its code, message and details; an
 * error of Nest or Fastify (unknown route, body over a limit, unsupported content type) gets the
 * code of its status; anything else is a bare 500.
 */
export function httpErrorEnvelope(exception: unknown): HttpErrorEnvelope {
  if (exception instanceof ProctorError) {
    const status = isKnownErrorCode(exception.code) ? httpStatusFor(exception.code) : 500;
    const body = { error: exception.code, message: exception.message };
    return { status, body: exception.details ? { ...body, details: exception.details } : body };
  }
  if (exception instanceof HttpException) {
    return { status: exception.getStatus(), body: { error: codeForHttpStatus(exception.getStatus()), message: exception.message } };
  }
  const framework = exception as { statusCode?: unknown; message?: unknown };
  if (typeof framework?.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    const message = typeof framework.message === 'string' ? framework.message : 'bad request';
    return { status: framework.statusCode, body: { error: codeForHttpStatus(framework.statusCode), message } };
  }
  return { status: 500, body: { error: CommonErrorCode.Internal, message: 'internal error' } };
}

/**
 * The error filter of a backend service. On RPC it hands the error as it is to the transport, which
 * maps it in one place (toErrorBody); Nest's default would turn every error that is not an
 * RpcException into a bare "Internal server error" and lose its code. On the service's own HTTP
 * port (health, metrics, and the jobs service's signed transfers) it answers with the envelope.
 */
@Catch()
export class ServiceErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = httpErrorEnvelope(exception);
    if (status >= 500) this.logger.error({ msg: 'request failed', error: exception instanceof Error ? exception.stack : String(exception) });
    // A route may have set its own type (a zip download) before failing: the envelope is JSON.
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  }
}
