import { ParseUUIDPipe } from '@nestjs/common';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';

/** A path id that must be a UUID; anything else is a 400 in the envelope, before any RPC. */
export const uuidParam = (name = 'id') =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new ProctorError(CommonErrorCode.ValidationFailed, `${name} must be a UUID`, { fields: { [name]: [`${name} must be a UUID`] } }),
  });
