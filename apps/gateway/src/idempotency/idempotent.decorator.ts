import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IDEMPOTENCY_OPTIONS, IdempotencyInterceptor, IdempotencyOptions } from './idempotency.interceptor';

/**
 * Makes a mutation idempotent by `Idempotency-Key` (required unless told otherwise): the same key and
 * request, the first answer and one effect; another request with the key, 422; the first still
 * running, 409. Keys are per caller and kept at least 24 h.
 */
export function Idempotent(options: IdempotencyOptions = { required: true }): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENCY_OPTIONS, options),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: options.required,
      description: 'a UUID, new for each operation and the same on its retries: a retry gets the first answer and applies nothing again',
    }),
  );
}
