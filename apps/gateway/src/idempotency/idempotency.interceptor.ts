import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, Observable, of } from 'rxjs';
import { errorResponse } from '../http/error-envelope';
import { remembersOutcome } from './idempotency-decision';
import { IDEMPOTENCY_KEY_HEADER, readIdempotencyKey } from './idempotency-key';
import { idempotencyScope, ScopedRequest } from './idempotency-scope';
import { IdempotencyStore } from './idempotency.store';
import { requestFingerprint } from './request-fingerprint';

export const IDEMPOTENCY_OPTIONS = 'proctor:idempotency';
export const IDEMPOTENT_REPLAY_HEADER = 'idempotent-replayed';

export interface IdempotencyOptions {
  /** Whether a request without `Idempotency-Key` is refused (400) or simply runs unprotected. */
  required: boolean;
}

type IdempotentRequest = FastifyRequest & ScopedRequest;

/**
 * `Idempotency-Key` on a mutation: the same key and request get the first answer again and the
 * effect once; another body with the key, 422 `idempotency_key_reused`; the first still running,
 * 409 `idempotency_in_progress`. Runs after the guards (the caller is known: keys are per caller)
 * and before validation (a request refused by it releases the key). Use through `@Idempotent()`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const options = this.reflector.get<IdempotencyOptions | undefined>(IDEMPOTENCY_OPTIONS, context.getHandler()) ?? { required: true };
    const http = context.switchToHttp();
    const request = http.getRequest<IdempotentRequest>();
    const reply = http.getResponse<FastifyReply>();
    const key = readIdempotencyKey(request.headers[IDEMPOTENCY_KEY_HEADER], options.required);
    if (key === undefined) return next.handle();

    const scope = idempotencyScope(request);
    const claim = await this.store.claim(scope, key, requestFingerprint(request.method, request.url, request.body));
    switch (claim.kind) {
      case 'owner':
        break;
      case 'replay':
        void reply.header(IDEMPOTENT_REPLAY_HEADER, 'true');
        if (claim.status >= 400) throw replayedError(claim.response);
        void reply.status(claim.status);
        return of(claim.response);
      case 'reused':
        throw new ProctorError(CommonErrorCode.IdempotencyKeyReused, 'this Idempotency-Key was used with another request', { key });
      case 'in_progress':
        throw new ProctorError(CommonErrorCode.IdempotencyInProgress, 'a request with this Idempotency-Key is still running; retry later', { key });
    }

    return next.handle().pipe(
      mergeMap((body: unknown) => from(this.remember(scope, key, reply.statusCode, body).then(() => body))),
      catchError((error: unknown) => from(this.settleFailure(scope, key, error))),
    );
  }

  private async remember(scope: string, key: string, status: number, body: unknown): Promise<void> {
    try {
      await this.store.complete(scope, key, status, body);
    } catch (e) {
      // The effect is applied: answer it. The key stays in progress until its lock passes.
      this.logger.error({ msg: 'could not record an idempotent answer', scope, error: (e as Error).message });
    }
  }

  private async settleFailure(scope: string, key: string, error: unknown): Promise<never> {
    const { status, body } = errorResponse(error);
    try {
      if (remembersOutcome(status, body.error)) {
        await this.store.complete(scope, key, status, { error: body.error, message: body.message, ...(body.details ? { details: body.details } : {}) });
      } else {
        await this.store.release(scope, key);
      }
    } catch (e) {
      this.logger.error({ msg: 'could not settle an idempotency key after a failure', scope, error: (e as Error).message });
    }
    throw error;
  }
}

/** A remembered error answered again: the envelope filter renders it as the first time (with this request's id). */
function replayedError(response: unknown): ProctorError {
  const body = (response ?? {}) as { error?: string; message?: string; details?: Record<string, unknown> };
  return new ProctorError(body.error ?? CommonErrorCode.Internal, body.message ?? 'replayed error', body.details);
}
