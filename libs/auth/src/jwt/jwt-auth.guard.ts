import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import { IS_PUBLIC } from './public.decorator';

/** Every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    return isPublic ? true : super.canActivate(context);
  }

  override handleRequest<T>(err: unknown, principal: T | false, info: unknown): T {
    if (err || !principal) {
      const reason = info instanceof Error ? info.message : 'a bearer token is required';
      throw new ProctorError(CommonErrorCode.Unauthorized, 'missing or invalid bearer token', { reason });
    }
    return principal;
  }
}
