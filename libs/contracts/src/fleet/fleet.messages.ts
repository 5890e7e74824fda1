export enum FleetRpc {
  RegisterDevice = 'fleet.devices.register',
  ListDevices = 'fleet.devices.list',
  GetDevice = 'fleet.devices.get',
  UpdateStatus = 'fleet.devices.update-status',
  UpdateSettings = 'fleet.devices.update-settings',
  ListEvents = 'fleet.devices.events',
  ListHeartbeats = 'fleet.devices.heartbeats',
  ReportUpdate = 'fleet.devices.report-update',
  ListUpdates = 'fleet.devices.updates',
  DesiredState = 'fleet.devices.desired-state',
  /** Which device a presented device key belongs to (the gateway caches the answer). */
  AuthenticateDevice = 'fleet.devices.authenticate',
  CreateRollout = 'fleet.rollouts.create',
  ListRollouts = 'fleet.rollouts.list',
  GetRollout = 'fleet.rollouts.get',
  PromoteRollout = 'fleet.rollouts.promote',
  HaltRollout = 'fleet.rollouts.halt',
}

/** Heartbeats travel as reports (`proctor.reports`), not RPC: the gateway answers 202 once the broker confirms. */
export enum FleetReport {
  Heartbeat = 'device.heartbeat',
}

/**
 * The AMQP `type` of a message routed by FleetReport.Heartbeat: one heartbeat (HeartbeatMessage,
 * what every gateway sent before batching, and still sends for a batch of one), or several in one
 * message (HeartbeatBatchMessage). The fleet service takes both.
 */
export enum HeartbeatMessageType {
  Single = 'device.heartbeat',
  Batch = 'device.heartbeat.batch.1',
}

export enum FleetEvent {
  DeviceRegistered = 'fleet.device.registered',
  DeviceOnline = 'fleet.device.online',
  DeviceOffline = 'fleet.device.offline',
  DeviceStatusChanged = 'fleet.device.status-changed',
  RolloutHalted = 'fleet.rollout.halted',
}

export enum FleetErrorCode {
  DeviceNotFound = 'device_not_found',
  DeviceKeyInvalid = 'device_key_invalid',
  RolloutNotFound = 'rollout_not_found',
  RolloutConflict = 'rollout_conflict',
}

export const DEVICE_STATUSES = ['healthy', 'degraded', 'failed', 'offline'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];
/** What a device may report of itself; `offline` is only ever concluded by the server. */
export const REPORTABLE_DEVICE_STATUSES = ['healthy', 'degraded', 'failed'] as const;
export type ReportableDeviceStatus = (typeof REPORTABLE_DEVICE_STATUSES)[number];
export const DEVICE_SEGMENTS = ['stable', 'beta', 'canary'] as const;
export type DeviceSegment = (typeof DEVICE_SEGMENTS)[number];

export const DEVICE_EVENT_TYPES = ['registration', 'online', 'offline', 'status_change', 'update', 'maintenance', 'settings', 'rollout', 'error'] as const;
export type DeviceEventType = (typeof DEVICE_EVENT_TYPES)[number];
export const EVENT_SEVERITIES = ['info', 'warning', 'error'] as const;
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];

export const UPDATE_STATUSES = ['success', 'failed', 'rolled_back'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

export const ROLLOUT_STATUSES = ['active', 'halted', 'completed', 'promoted'] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];
export const ROLLOUT_DEVICE_STATES = ['pending', 'succeeded', 'failed', 'unhealthy', 'expired'] as const;
export type RolloutDeviceState = (typeof ROLLOUT_DEVICE_STATES)[number];
export const ROLLOUT_SKIP_REASONS = ['version_locked', 'maintenance_mode', 'updates_disabled', 'already_on_target'] as const;
export type RolloutSkipReason = (typeof ROLLOUT_SKIP_REASONS)[number];
