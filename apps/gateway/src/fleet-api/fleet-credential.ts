/** Who is calling the fleet API, as established from `X-API-Key` or (under `/v1`) a bearer token. */
export type FleetCredential =
  | { readonly kind: 'admin_key' }
  | { readonly kind: 'fleet_key' }
  | { readonly kind: 'device_key'; readonly deviceId: string }
  | { readonly kind: 'admin_user'; readonly subject: string };

export type DeviceKeyCredential = Extract<FleetCredential, { kind: 'device_key' }>;

// Shared instances: resolving an env key allocates nothing on the hot path.
export const ADMIN_KEY_CREDENTIAL: FleetCredential = Object.freeze({ kind: 'admin_key' });
export const FLEET_KEY_CREDENTIAL: FleetCredential = Object.freeze({ kind: 'fleet_key' });

/** What a fleet route does, as the access rules see it. */
export enum FleetOperation {
  Register = 'register',
  Heartbeat = 'heartbeat',
  UpdateStatus = 'update_status',
  ReadDevice = 'read_device',
  ListEvents = 'list_events',
  ReportUpdate = 'report_update',
  ListUpdates = 'list_updates',
  ListHeartbeats = 'list_heartbeats',
  DesiredState = 'desired_state',
  ListDevices = 'list_devices',
  UpdateSettings = 'update_settings',
  ManageRollouts = 'manage_rollouts',
}

/** What the guard leaves on the request for the throttler and the handler. */
export interface FleetAccess {
  credential: FleetCredential;
  /** The device whose rate limit bucket this request counts against; undefined for admins (limited per client). */
  rateLimitDeviceId: string | undefined;
}
