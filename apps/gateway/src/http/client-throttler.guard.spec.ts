import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { SkipThrottle, Throttle, ThrottlerGuard, ThrottlerModuleOptions } from '@nestjs/throttler';
import { ProctorError } from '@proctor/contracts';
import { ClientThrottlerGuard, gatewayThrottlers } from './client-throttler.guard';
import { FixedWindowThrottlerStorage } from './fixed-window.throttler-storage';

class Routes {
  plain() {
    return 'plain';
  }

  @SkipThrottle({ default: true })
  skipped() {
    return 'skipped';
  }

  @Throttle({ default: { limit: 1, ttl: 60_000 } })
  stricter() {
    return 'stricter';
  }
}

function options(perClientPerMinute: number): ThrottlerModuleOptions {
  return {
    throttlers: gatewayThrottlers({ perClientPerMinute, perDevicePerMinute: 2 }),
    generateKey: (_context, tracker, throttler) => `${throttler}:${tracker}`,
  };
}

async function guardWith(perClientPerMinute: number, now: () => number): Promise<ClientThrottlerGuard> {
  const guard = new ClientThrottlerGuard(options(perClientPerMinute), new FixedWindowThrottlerStorage(60_000, now), new Reflector());
  await guard.onModuleInit();
  return guard;
}

/** Runs one request through `activate` and tells what it answered and which headers it set. */
async function outcome(activate: (context: ExecutionContext) => Promise<boolean>, request: object, handler: () => void) {
  const headers: Record<string, unknown> = {};
  const res = { header: (name: string, value: unknown) => (headers[name] = value) };
  const context = new ExecutionContextHost([{ ...request }, res], Routes, handler);
  try {
    return { allowed: await activate(context), headers };
  } catch (e) {
    return { error: e instanceof ProctorError ? { code: e.code, details: e.details, message: e.message } : e, headers };
  }
}

describe('ClientThrottlerGuard', () => {
  const requests = [{ ip: '10.0.0.1' }, { user: { subject: 'admin' }, ip: '10.0.0.1' }, { fleetAccess: { rateLimitDeviceId: 'pi-01' }, ip: '10.0.0.2' }];

  it.each([
    ['a plain route', Routes.prototype.plain],
    ['a route with @SkipThrottle', Routes.prototype.skipped],
    ['a route with @Throttle', Routes.prototype.stricter],
  ])('answers, counts and sets headers as @nestjs/throttler does on %s, past the limit included', async (_name, handler) => {
    const now = () => 1_000_000;
    const ours = await guardWith(3, now);
    const library = await guardWith(3, now);
    for (let i = 0; i < 5; i++) {
      for (const request of requests) {
        const expected = await outcome((c) => ThrottlerGuard.prototype.canActivate.call(library, c), request, handler);
        expect(expected.allowed === true || (expected.error as { code?: string } | undefined)?.code === 'rate_limited').toBe(true);
        expect(await outcome((c) => ours.canActivate(c), request, handler)).toEqual(expected);
      }
    }
  });

  it('leaves the library out on a plain route only', async () => {
    const guard = await guardWith(3, () => 0);
    const library = jest.spyOn(ThrottlerGuard.prototype, 'canActivate');
    await outcome((c) => guard.canActivate(c), { ip: '10.0.0.3' }, Routes.prototype.plain);
    expect(library).not.toHaveBeenCalled();
    await outcome((c) => guard.canActivate(c), { ip: '10.0.0.3' }, Routes.prototype.stricter);
    expect(library).toHaveBeenCalledTimes(1);
    library.mockRestore();
  });

  it('refuses past the limit with rate_limited and Retry-After', async () => {
    const guard = await guardWith(1, () => 5_000);
    expect(await outcome((c) => guard.canActivate(c), { ip: '10.0.0.9' }, Routes.prototype.plain)).toMatchObject({
      allowed: true,
      headers: { 'X-RateLimit-Limit': 1, 'X-RateLimit-Remaining': 0 },
    });
    const refused = await outcome((c) => guard.canActivate(c), { ip: '10.0.0.9' }, Routes.prototype.plain);
    expect(refused.error).toMatchObject({ code: 'rate_limited', details: { retry_after_seconds: 60 } });
    expect(refused.headers).toEqual({ 'Retry-After': 60 });
  });
});
