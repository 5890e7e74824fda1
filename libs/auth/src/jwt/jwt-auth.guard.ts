import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import { Principal } from './jwt-settings';
import { IS_PUBLIC } from './public.decorator';
import { bearerToken, VerifiedTokenCache } from './verified-token-cache';

/** Every route needs a valid bearer token unless marked @Public(); a token verified once is remembered until it expires. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  private readonly verified = new VerifiedTokenCache();

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<{ headers: { authorization?: string }; user?: Principal }>();
    const token = bearerToken(request.headers.authorization);
    const known = token ? this.verified.get(token) : undefined;
    if (known) {
      request.user = known;
      return true;
    }
    const allowed = (await super.canActivate(context)) as boolean;
    if (allowed && token && request.user) this.verified.remember(token, request.user);
    return allowed;
  }

  override handleRequest<T>(err: unknown, principal: T | false, info: unknown): T {
    if (err || !principal) {
      const reason = info instanceof Error ? info.message : 'a bearer token is required';
      throw new ProctorError(CommonErrorCode.Unauthorized, 'missing or invalid bearer token', { reason });
    }
    return principal;
  }
}
