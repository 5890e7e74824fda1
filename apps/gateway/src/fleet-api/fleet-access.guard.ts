import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import { DeviceDirectory } from './device-directory';
import { decideFleetAccess, FleetAccessPolicy, rateLimitedDevice } from './fleet-access';
import { FleetCredential, FleetOperation } from './fleet-credential';
import { API_KEY_HEADER, FLEET_ACCEPTS_BEARER, FLEET_OPERATION, FleetHttpRequest } from './fleet-route.decorators';
import { apiKeyDigest, StaticApiKeys } from './static-api-keys';
import { UnknownKeyLimiter } from './unknown-key-limiter';

const ADMIN_ROLE = 'admin';

/** passport-jwt as the global bearer guard runs it, for `/v1` fleet routes a dashboard calls with a token. */
@Injectable()
export class FleetBearerGuard extends AuthGuard('jwt') {
  override handleRequest<T>(err: unknown, principal: T | false, info: unknown): T {
    if (err || !principal) {
      const reason = info instanceof Error ? info.message : 'a bearer token is required';
      throw new ProctorError(CommonErrorCode.Unauthorized, 'missing or invalid bearer token', { reason });
    }
    return principal;
  }
}

/**
 * Authentication and authorization of the fleet API, before the rate limiter (which counts a
 * device's requests in the device's own bucket). `X-API-Key` is the admin key, the fleet key or
 * a device key; without one, a `/v1` route also takes an admin's bearer token. Missing or unknown
 * credentials are 401, a known credential doing what it may not is 403, an address that keeps
 * presenting unknown keys 429. Routes without a fleet operation pass untouched.
 */
export class FleetAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly staticKeys: StaticApiKeys,
    private readonly directory: DeviceDirectory,
    private readonly unknownKeys: UnknownKeyLimiter,
    private readonly bearer: FleetBearerGuard,
    private readonly policy: FleetAccessPolicy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const operation = this.reflector.get<FleetOperation | undefined>(FLEET_OPERATION, context.getHandler());
    if (operation === undefined) return true;
    const request = context.switchToHttp().getRequest<FleetHttpRequest>();
    const credential = await this.authenticate(context, request);
    const deviceId = operation === FleetOperation.Register ? registeredDeviceId(request.body) : request.params?.device_id;
    const decision = decideFleetAccess(credential, operation, deviceId, this.policy);
    if (!decision.allowed) throw new ProctorError(CommonErrorCode.Forbidden, decision.reason, { operation });
    request.fleetAccess = { credential, rateLimitDeviceId: rateLimitedDevice(credential, operation, deviceId) };
    return true;
  }

  private async authenticate(context: ExecutionContext, request: FleetHttpRequest): Promise<FleetCredential> {
    const apiKey = request.headers[API_KEY_HEADER];
    // With both a key and a token, the key decides: it is what machine clients send.
    if (typeof apiKey === 'string' && apiKey !== '') return this.resolveApiKey(apiKey, request.ip ?? 'unknown');
    const acceptsBearer = this.reflector.get<boolean | undefined>(FLEET_ACCEPTS_BEARER, context.getClass()) === true;
    if (acceptsBearer && request.headers.authorization !== undefined) {
      await this.bearer.canActivate(context);
      const principal = request.user;
      if (!principal?.roles.includes(ADMIN_ROLE)) throw new ProctorError(CommonErrorCode.Forbidden, 'the fleet API needs the admin role');
      return { kind: 'admin_user', subject: principal.subject };
    }
    throw new ProctorError(CommonErrorCode.Unauthorized, acceptsBearer ? 'an X-API-Key header or a bearer token is required' : 'an X-API-Key header is required');
  }

  private async resolveApiKey(apiKey: string, address: string): Promise<FleetCredential> {
    const digest = apiKeyDigest(apiKey);
    const known = this.staticKeys.match(digest);
    if (known !== undefined) return known;
    const keyHash = digest.toString('hex');
    let device = this.directory.cachedKey(keyHash);
    if (device === undefined) {
      const retryAfter = this.unknownKeys.blockedForSeconds(address);
      if (retryAfter > 0) {
        throw new ProctorError(CommonErrorCode.RateLimited, 'too many unknown API keys from this address', { retry_after_seconds: retryAfter });
      }
      device = await this.directory.authenticate(keyHash);
    }
    if (device === null) {
      this.unknownKeys.recordUnknownKey(address);
      throw new ProctorError(CommonErrorCode.Unauthorized, 'unknown API key');
    }
    return device;
  }
}

/** The device a registration body names, before validation (which comes after guards); undefined if it names none. */
function registeredDeviceId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const deviceId = (body as { device_id?: unknown }).device_id;
  return typeof deviceId === 'string' ? deviceId : undefined;
}
