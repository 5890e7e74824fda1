import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Observable, throwError } from 'rxjs';

/**
 * The error filter of a backend service. On RPC it hands the error as it is to the transport, which
 * maps it in one place (toErrorBody); Nest's default would turn every error that is not an
 * RpcException into a bare "Internal server error" and lose its code. On the service's own HTTP
 * port (health and metrics only) it answers with the envelope of DESIGN.md.
 */
@Catch()
export class ServiceErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const message = exception instanceof HttpException ? exception.message : 'internal error';
    void reply.status(status).send({ error: status === 404 ? 'not_found' : status >= 500 ? 'internal' : 'bad_request', message });
  }
}
