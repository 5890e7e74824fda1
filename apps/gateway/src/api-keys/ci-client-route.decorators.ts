import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { Principal, Public } from '@proctor/auth';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import { API_KEY_SECURITY } from '../fleet-api/fleet-route.decorators';

export const CI_CLIENT_ROUTE = 'proctor:ciClientRoute';

/**
 * A controller of the CI API: its routes take `Authorization: Bearer <jwt>` or `X-API-Key: <key>`,
 * checked by CiClientGuard (instead of the bearer-only guard) before the rate limiter.
 */
export function CiClientController(): ClassDecorator {
  return applyDecorators(Public(), SetMetadata(CI_CLIENT_ROUTE, true), ApiBearerAuth(), ApiSecurity(API_KEY_SECURITY));
}

/** The principal CiClientGuard (or the bearer guard) established: the JWT subject or `api-key:<name>`. */
export const CiPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const user = context.switchToHttp().getRequest<{ user?: Principal }>().user;
  if (!user) throw new ProctorError(CommonErrorCode.Internal, 'a CI route ran without an authenticated principal');
  return user;
});
