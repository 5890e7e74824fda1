import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerOptions } from '@nestjs/throttler';
import type { Principal } from '@proctor/auth';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import type { FleetAccess } from '../fleet-api/fleet-credential';
import { FixedWindowThrottlerStorage } from './fixed-window.throttler-storage';

interface TrackedRequest {
  user?: Principal;
  ip?: string;
  fleetAccess?: FleetAccess;
}

const MINUTE_MS = 60_000;

/** The metadata keys of `@Throttle`, `@SkipThrottle` and their kin (@nestjs/throttler's, per named throttler). */
const ROUTE_SETTING_KEYS = ['THROTTLER:SKIP', 'THROTTLER:LIMIT', 'THROTTLER:TTL', 'THROTTLER:BLOCK_DURATION', 'THROTTLER:TRACKER', 'THROTTLER:KEY_GENERATOR'];
const ALLOWED = Promise.resolve(true);

/** Whether FleetAccessGuard put this request in a device's bucket (it runs before the throttler). */
export function countsAgainstDevice(context: ExecutionContext): boolean {
  return context.switchToHttp().getRequest<TrackedRequest>().fleetAccess?.rateLimitDeviceId !== undefined;
}

/** The bucket a request counts against: its device, else its principal, else its address. */
export function trackerOf(request: TrackedRequest): string {
  const device = request.fleetAccess?.rateLimitDeviceId;
  if (device !== undefined) return `device:${device}`;
  return request.user?.subject ? `sub:${request.user.subject}` : `ip:${request.ip ?? 'unknown'}`;
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
  /** Per handler and class: whether the route can skip the library (decorators never change after startup). */
  private readonly plainRoutes = new WeakMap<object, WeakMap<object, boolean>>();

  /**
   * The gateway's throttlers (fixed numbers, our tracker and key, the fixed-window storage) on a
   * route without throttler decorators are applied here without a promise per step: the library's
   * `canActivate` awaits about ten times a request, which under load is a tenth of the gateway's
   * allocations. Same order, same counts, same headers, same 429 as the library (`handleRequest`);
   * anything else (a decorated route, a resolver function, another storage) goes through it.
   */
  override canActivate(context: ExecutionContext): Promise<boolean> {
    const storage = this.storageService;
    if (!(storage instanceof FixedWindowThrottlerStorage) || !this.isPlainRoute(context)) return super.canActivate(context);
    const { req, res } = this.getRequestResponse(context);
    // Set by onModuleInit: the module's generateKey, or the guard's own.
    const generateKey = this.commonOptions.generateKey as NonNullable<ThrottlerOptions['generateKey']>;
    for (const throttler of this.throttlers) {
      const skipIf = throttler.skipIf ?? this.commonOptions.skipIf;
      if (skipIf?.(context)) continue;
      const limit = throttler.limit as number;
      const ttl = throttler.ttl as number;
      const blockDuration = (throttler.blockDuration as number | undefined) ?? ttl;
      const tracker = trackerOf(req as TrackedRequest);
      const key = generateKey(context, tracker, throttler.name as string);
      const record = storage.hit(key, ttl, limit, blockDuration);
      const suffix = throttler.name === 'default' ? '' : `-${throttler.name}`;
      if (record.isBlocked) {
        this.setResponseHeader(res, `Retry-After${suffix}`, record.timeToBlockExpire);
        return this.throwThrottlingException(context, { limit, ttl, key, tracker, ...record }).then(() => true);
      }
      this.setResponseHeader(res, `${this.headerPrefix}-Limit${suffix}`, limit);
      this.setResponseHeader(res, `${this.headerPrefix}-Remaining${suffix}`, Math.max(0, limit - record.totalHits));
      this.setResponseHeader(res, `${this.headerPrefix}-Reset${suffix}`, record.timeToExpire);
    }
    return ALLOWED;
  }

  /** No throttler decorator on the route, and every throttler plain numbers with the module's tracker, key and headers. */
  private isPlainRoute(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    const classRef = context.getClass();
    let byClass = this.plainRoutes.get(handler);
    if (!byClass) this.plainRoutes.set(handler, (byClass = new WeakMap()));
    let plain = byClass.get(classRef);
    if (plain === undefined) {
      plain =
        this.commonOptions.ignoreUserAgents === undefined &&
        this.commonOptions.setHeaders !== false &&
        !(this.options as { getTracker?: unknown }).getTracker &&
        this.throttlers.every(
          (t) =>
            typeof t.limit === 'number' &&
            typeof t.ttl === 'number' &&
            (t.blockDuration === undefined || typeof t.blockDuration === 'number') &&
            !t.getTracker &&
            !t.generateKey &&
            t.ignoreUserAgents === undefined &&
            t.setHeaders === undefined &&
            ROUTE_SETTING_KEYS.every((key) => this.reflector.getAllAndOverride(key + t.name, [handler, classRef]) === undefined),
        );
      byClass.set(classRef, plain);
    }
    return plain;
  }

  protected override async getTracker(request: TrackedRequest): Promise<string> {
    return trackerOf(request);
  }

  /** 429 in the envelope with a plain `Retry-After`, which is what a device's HTTP client knows to honour. */
  protected override async throwThrottlingException(_context: ExecutionContext, limit: ThrottlerLimitDetail): Promise<void> {
    throw new ProctorError(CommonErrorCode.RateLimited, `more than ${limit.limit} requests in ${Math.round(limit.ttl / 1000)} s`, {
      retry_after_seconds: Math.max(1, limit.timeToBlockExpire),
    });
  }
}
