import { HttpException } from '@nestjs/common';
import { CommonErrorCode, ErrorBody, isErrorBody, ProctorError } from '@proctor/contracts';

/**
 * What a handler's failure becomes on the wire. A ProctorError keeps its code; anything else is an
 * internal error whose details stay in the service's log, never in the reply.
 */
export function toErrorBody(error: unknown): { body: ErrorBody; expected: boolean } {
  if (error instanceof ProctorError) return { body: error.toBody(), expected: true };
  if (isErrorBody(error) && !(error instanceof Error)) return { body: error, expected: true };
  if (error instanceof HttpException && error.getStatus() === 400) {
    return { body: { code: CommonErrorCode.ValidationFailed, message: error.message }, expected: true };
  }
  return { body: { code: CommonErrorCode.Internal, message: 'internal error' }, expected: false };
}
