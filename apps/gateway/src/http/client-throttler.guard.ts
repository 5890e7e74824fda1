import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerOptions } from '@nestjs/throttler';
import type { Principal } from '@proctor/auth';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import type { FleetAccess } from '../fleet-api/fleet-credential';

interface TrackedRequest {
  user?: Principal;
  ip?: string;
  fleetAccess?: FleetAccess;
}

const MINUTE_MS = 60_000;

/** Whether FleetAccessGuard put this request in a device's bucket (it runs before the throttler). */
export function countsAgainstDevice(context: ExecutionContext): boolean {
  return context.switchToHttp().getRequest<TrackedRequest>().fleetAccess?.rateLimitDeviceId !== undefined;
}

/**
 * Two limits, each request under exactly one: `device`, per device, for what devices do (a fleet
 * behind one address must not share one bucket), and `default`, per client, for everything else.
 * Either way a request over the limit gets 429, never silence.
 */
export function gatewayThrottlers(limits: { perClientPerMinute: number; perDevicePerMinute: number }): ThrottlerOptions[] {
  return [
    { name: 'default', ttl: MINUTE_MS, limit: limits.perClientPerMinute, skipIf: countsAgainstDevice },
    {
      name: 'device',
      ttl: MINUTE_MS,
      limit: limits.perDevicePerMinute,
      skipIf: (context) => !countsAgainstDevice(context),
    },
  ];
}

/**
 * Rate limits per client: the device a request acts for, else the principal (a token's subject, or
 * `api-key:<name>` on the CI routes), else the caller's address.
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: TrackedRequest): Promise<string> {
    const device = request.fleetAccess?.rateLimitDeviceId;
    if (device !== undefined) return `device:${device}`;
    return request.user?.subject ? `sub:${request.user.subject}` : `ip:${request.ip ?? 'unknown'}`;
  }

  /** 429 in the envelope with a plain `Retry-After`, which is what a device's HTTP client knows to honour. */
  protected override async throwThrottlingException(_context: ExecutionContext, limit: ThrottlerLimitDetail): Promise<void> {
    throw new ProctorError(CommonErrorCode.RateLimited, `more than ${limit.limit} requests in ${Math.round(limit.ttl / 1000)} s`, {
      retry_after_seconds: Math.max(1, limit.timeToBlockExpire),
    });
  }
}
