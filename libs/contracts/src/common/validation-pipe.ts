import { ValidationError, ValidationPipe } from '@nestjs/common';
import { CommonErrorCode } from '../errors/common-error-code';
import { ProctorError } from '../errors/proctor-error';

/** class-validator's nested errors as `{ "field.path": ["what is wrong", ...] }`. */
export function validationDetails(errors: ValidationError[], parent = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) out[path] = Object.values(error.constraints);
    if (error.children?.length) Object.assign(out, validationDetails(error.children, path));
  }
  return out;
}

/**
 * The one validation of Proctor's edges (HTTP bodies at the gateway, message payloads in services):
 * unknown fields refused, types converted, and every failure a `validation_failed` ProctorError
 * naming each bad field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new ProctorError(CommonErrorCode.ValidationFailed, 'the request is not valid', { fields: validationDetails(errors) }),
  });
}
