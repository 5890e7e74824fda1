import { FleetCredential, FleetOperation } from './fleet-credential';

export interface FleetAccessPolicy {
  /**
   * FLEET_KEY_MAY_ACT_FOR_DEVICES: devices in the field that predate per-device keys know only the
   * fleet-wide key, and must keep heartbeating with it until they re-register.
   */
  fleetKeyMayActForDevices: boolean;
}

export type FleetAccessDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const ALLOW: FleetAccessDecision = Object.freeze({ allowed: true });

/** Operations on the whole fleet rather than one device: admins only. */
const ADMIN_OPERATIONS: ReadonlySet<FleetOperation> = new Set([FleetOperation.ListDevices, FleetOperation.UpdateSettings, FleetOperation.ManageRollouts]);

/**
 * What a device that knows only the fleet key did under seed 004 (heartbeat, status, read its
 * record and events): still allowed with the fleet key while the legacy allowance is on. Proctor's
 * newer device routes (update reports, desired state, histories) need the device's own key.
 */
const LEGACY_DEVICE_OPERATIONS: ReadonlySet<FleetOperation> = new Set([
  FleetOperation.Heartbeat,
  FleetOperation.UpdateStatus,
  FleetOperation.ReadDevice,
  FleetOperation.ListEvents,
]);

export function isAdminOperation(operation: FleetOperation): boolean {
  return ADMIN_OPERATIONS.has(operation);
}

/**
 * May this credential perform this operation on this device? `deviceId` is the device the request
 * names (path, or the body of a registration); undefined when it names none (yet: a registration
 * whose body lacks one fails validation next).
 */
export function decideFleetAccess(
  credential: FleetCredential,
  operation: FleetOperation,
  deviceId: string | undefined,
  policy: FleetAccessPolicy,
): FleetAccessDecision {
  switch (credential.kind) {
    case 'admin_key':
    case 'admin_user':
      return ALLOW;
    case 'device_key':
      if (isAdminOperation(operation)) return deny(`${operation} needs an admin key or an admin's bearer token`);
      if (deviceId !== undefined && deviceId !== credential.deviceId) return deny('a device key may act only for its own device');
      return ALLOW;
    case 'fleet_key':
      if (isAdminOperation(operation)) return deny(`${operation} needs an admin key or an admin's bearer token`);
      if (operation === FleetOperation.Register) return ALLOW;
      if (LEGACY_DEVICE_OPERATIONS.has(operation)) {
        return policy.fleetKeyMayActForDevices ? ALLOW : deny('the fleet key may only register devices: act for a device with its own device key');
      }
      return deny(`${operation} needs the device's own key`);
  }
}

/**
 * The device a request counts against for rate limiting: a device key always counts against its
 * own device (so one device cannot drain another's bucket), the fleet key against the device it
 * acts for (so a fleet behind one address does not share one bucket). Admins are limited per client.
 */
export function rateLimitedDevice(credential: FleetCredential, operation: FleetOperation, deviceId: string | undefined): string | undefined {
  switch (credential.kind) {
    case 'device_key':
      return credential.deviceId;
    case 'fleet_key':
      return isAdminOperation(operation) ? undefined : deviceId;
    case 'admin_key':
    case 'admin_user':
      return undefined;
  }
}

/**
 * Whether a registration should issue a (new) device key: yes when an operator or a device that
 * knows only the fleet key registers; no when the device re-registers with its own key, which it keeps.
 */
export function registrationIssuesKey(credential: FleetCredential): boolean {
  return credential.kind !== 'device_key';
}

function deny(reason: string): FleetAccessDecision {
  return { allowed: false, reason };
}
