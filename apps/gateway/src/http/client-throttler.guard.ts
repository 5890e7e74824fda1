import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Principal } from '@proctor/auth';

/** Rate limits per client: the token's subject when there is one, else the caller's address. */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: { user?: Principal; ip?: string }): Promise<string> {
    return request.user?.subject ? `sub:${request.user.subject}` : `ip:${request.ip ?? 'unknown'}`;
  }
}
