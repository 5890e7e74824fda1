export enum FleetRpc {
  RegisterDevice = 'fleet.devices.register',
  ListDevices = 'fleet.devices.list',
  GetDevice = 'fleet.devices.get',
}

export enum FleetEvent {
  DeviceRegistered = 'fleet.device.registered',
}

export enum FleetErrorCode {
  DeviceNotFound = 'device_not_found',
}

export const DEVICE_STATUSES = ['healthy', 'degraded', 'failed', 'offline'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];
export const DEVICE_SEGMENTS = ['stable', 'beta', 'canary'] as const;
export type DeviceSegment = (typeof DEVICE_SEGMENTS)[number];
