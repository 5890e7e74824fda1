import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Principal } from '@proctor/auth';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';

const ADMIN_ROLE = 'admin';

/** After the bearer guard: only a user with the admin role passes (403 otherwise). */
@Injectable()
export class AdminRoleGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!user?.roles.includes(ADMIN_ROLE)) throw new ProctorError(CommonErrorCode.Forbidden, 'managing API keys needs the admin role');
    return true;
  }
}
