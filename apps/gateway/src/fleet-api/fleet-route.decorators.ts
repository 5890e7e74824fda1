import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { Public } from '@proctor/auth';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import { FleetAccess, FleetCredential, FleetOperation } from './fleet-credential';

export const FLEET_OPERATION = 'proctor:fleetOperation';
export const FLEET_ACCEPTS_BEARER = 'proctor:fleetAcceptsBearer';
export const API_KEY_HEADER = 'x-api-key';
export const API_KEY_SECURITY = 'api-key';

/**
 * A controller of the fleet API: its routes take `X-API-Key` (checked by FleetAccessGuard instead
 * of the bearer guard), and under `/v1` an admin's bearer token as well.
 */
export function FleetApiController(options: { acceptsBearer: boolean }): ClassDecorator {
  return applyDecorators(
    Public(),
    SetMetadata(FLEET_ACCEPTS_BEARER, options.acceptsBearer),
    ApiSecurity(API_KEY_SECURITY),
    ...(options.acceptsBearer ? [ApiBearerAuth()] : []),
  );
}

/** Names what a route does, for the access rules of fleet-access.ts. */
export const FleetRoute = (operation: FleetOperation) => SetMetadata(FLEET_OPERATION, operation);

/** The request as the fleet guard and handlers see it. */
export interface FleetHttpRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  params?: Record<string, string | undefined>;
  body?: unknown;
  user?: { subject: string; roles: string[] };
  fleetAccess?: FleetAccess;
}

/** The credential FleetAccessGuard established for this request. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): FleetCredential => {
  const access = context.switchToHttp().getRequest<FleetHttpRequest>().fleetAccess;
  if (!access) throw new ProctorError(CommonErrorCode.Internal, 'a fleet route ran without FleetAccessGuard');
  return access.credential;
});
