import { decideFleetAccess, rateLimitedDevice, registrationIssuesKey } from './fleet-access';
import { ADMIN_KEY_CREDENTIAL, FLEET_KEY_CREDENTIAL, FleetCredential, FleetOperation } from './fleet-credential';

const LEGACY_ON = { fleetKeyMayActForDevices: true };
const LEGACY_OFF = { fleetKeyMayActForDevices: false };
const device = (id: string): FleetCredential => ({ kind: 'device_key', deviceId: id });
const adminUser: FleetCredential = { kind: 'admin_user', subject: 'root' };
const ALL_OPERATIONS = Object.values(FleetOperation);
const ADMIN_ONLY = [FleetOperation.ListDevices, FleetOperation.UpdateSettings, FleetOperation.ManageRollouts];
const DEVICE_SCOPED = ALL_OPERATIONS.filter((op) => !ADMIN_ONLY.includes(op));

describe('decideFleetAccess', () => {
  it.each(ALL_OPERATIONS)('lets the admin key and an admin token %s for any device', (op) => {
    expect(decideFleetAccess(ADMIN_KEY_CREDENTIAL, op, 'pi-01', LEGACY_OFF)).toEqual({ allowed: true });
    expect(decideFleetAccess(adminUser, op, 'pi-01', LEGACY_OFF)).toEqual({ allowed: true });
  });

  it.each(DEVICE_SCOPED)('lets a device key %s for its own device only', (op) => {
    expect(decideFleetAccess(device('pi-01'), op, 'pi-01', LEGACY_ON)).toEqual({ allowed: true });
    expect(decideFleetAccess(device('pi-01'), op, 'pi-02', LEGACY_ON)).toEqual({ allowed: false, reason: 'a device key may act only for its own device' });
  });

  it.each(ADMIN_ONLY)('refuses %s to a device key and to the fleet key', (op) => {
    expect(decideFleetAccess(device('pi-01'), op, undefined, LEGACY_ON)).toMatchObject({ allowed: false });
    expect(decideFleetAccess(device('pi-01'), op, 'pi-01', LEGACY_ON)).toMatchObject({ allowed: false });
    expect(decideFleetAccess(FLEET_KEY_CREDENTIAL, op, undefined, LEGACY_ON)).toMatchObject({ allowed: false });
  });

  it('lets the fleet key register any device, whatever the legacy allowance', () => {
    expect(decideFleetAccess(FLEET_KEY_CREDENTIAL, FleetOperation.Register, 'pi-77', LEGACY_OFF)).toEqual({ allowed: true });
  });

  it.each([FleetOperation.Heartbeat, FleetOperation.UpdateStatus, FleetOperation.ReadDevice, FleetOperation.ListEvents])(
    "lets the fleet key %s for any device only while the legacy allowance is on (seed 004's device routes)",
    (op) => {
      expect(decideFleetAccess(FLEET_KEY_CREDENTIAL, op, 'pi-77', LEGACY_ON)).toEqual({ allowed: true });
      expect(decideFleetAccess(FLEET_KEY_CREDENTIAL, op, 'pi-77', LEGACY_OFF)).toMatchObject({ allowed: false, reason: expect.stringContaining('own device key') });
    },
  );

  it.each([FleetOperation.ReportUpdate, FleetOperation.ListUpdates, FleetOperation.ListHeartbeats, FleetOperation.DesiredState])(
    "refuses the fleet key %s (Proctor's newer device routes need the device's own key)",
    (op) => {
      expect(decideFleetAccess(FLEET_KEY_CREDENTIAL, op, 'pi-77', LEGACY_ON)).toMatchObject({ allowed: false });
    },
  );

  it('lets a device key proceed with a registration naming no device, for validation to refuse', () => {
    expect(decideFleetAccess(device('pi-01'), FleetOperation.Register, undefined, LEGACY_ON)).toEqual({ allowed: true });
  });
});

describe('rateLimitedDevice', () => {
  it("counts a device key against its own device, even when it names another (so it cannot drain that device's bucket)", () => {
    expect(rateLimitedDevice(device('pi-01'), FleetOperation.Heartbeat, 'pi-02')).toBe('pi-01');
  });

  it('counts the fleet key against the device it acts for, and per client for fleet-wide operations', () => {
    expect(rateLimitedDevice(FLEET_KEY_CREDENTIAL, FleetOperation.Heartbeat, 'pi-77')).toBe('pi-77');
    expect(rateLimitedDevice(FLEET_KEY_CREDENTIAL, FleetOperation.Register, 'pi-78')).toBe('pi-78');
    expect(rateLimitedDevice(FLEET_KEY_CREDENTIAL, FleetOperation.ListDevices, undefined)).toBeUndefined();
  });

  it('limits admins per client, not per device', () => {
    expect(rateLimitedDevice(ADMIN_KEY_CREDENTIAL, FleetOperation.Heartbeat, 'pi-01')).toBeUndefined();
    expect(rateLimitedDevice(adminUser, FleetOperation.Heartbeat, 'pi-01')).toBeUndefined();
  });
});

describe('registrationIssuesKey', () => {
  it('issues a key to whoever registers with the fleet or an admin credential, not to a device re-registering with its own', () => {
    expect(registrationIssuesKey(FLEET_KEY_CREDENTIAL)).toBe(true);
    expect(registrationIssuesKey(ADMIN_KEY_CREDENTIAL)).toBe(true);
    expect(registrationIssuesKey(adminUser)).toBe(true);
    expect(registrationIssuesKey(device('pi-01'))).toBe(false);
  });
});
