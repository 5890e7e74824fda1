import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Principal } from '@proctor/auth';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import { API_KEY_HEADER } from '../fleet-api/fleet-route.decorators';
import { apiKeyPrincipal } from './api-key-secret';
import { ApiKeysService } from './api-keys.service';
import { CI_CLIENT_ROUTE } from './ci-client-route.decorators';

const MAX_KEY_LENGTH = 512;

interface CiClientRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: Principal;
}

/** passport-jwt as the global bearer guard runs it, for CI routes called with a token rather than a key. */
@Injectable()
export class CiBearerGuard extends AuthGuard('jwt') {
  override handleRequest<T>(err: unknown, principal: T | false, info: unknown): T {
    if (err || !principal) {
      const reason = info instanceof Error ? info.message : 'a bearer token is required';
      throw new ProctorError(CommonErrorCode.Unauthorized, 'missing or invalid bearer token', { reason });
    }
    return principal;
  }
}

/**
 * Authentication of the CI API ("JWT or API key"), as a global guard that runs before the rate
 * limiter: it leaves the principal on the request (the token's subject, or `api-key:<name>`), so
 * that each client is limited in its own bucket rather than by address. With both a key and a
 * token, the key decides. Routes outside the CI API pass untouched.
 */
@Injectable()
export class CiClientGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly bearer: CiBearerGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean | undefined>(CI_CLIENT_ROUTE, [context.getHandler(), context.getClass()]) !== true) return true;
    const request = context.switchToHttp().getRequest<CiClientRequest>();
    const key = request.headers[API_KEY_HEADER];
    if (key !== undefined) {
      request.user = await this.keyHolder(key);
      return true;
    }
    if (request.headers.authorization !== undefined) return (await this.bearer.canActivate(context)) as boolean;
    throw new ProctorError(CommonErrorCode.Unauthorized, 'an X-API-Key header or a bearer token is required');
  }

  private async keyHolder(key: string | string[]): Promise<Principal> {
    if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_LENGTH) throw new ProctorError(CommonErrorCode.Unauthorized, 'X-API-Key must be given once');
    const name = await this.apiKeys.nameOf(key);
    if (name === null) throw new ProctorError(CommonErrorCode.Unauthorized, 'unknown or revoked API key');
    return { subject: apiKeyPrincipal(name), roles: [] };
  }
}
