import { Injectable, Logger } from '@nestjs/common';
import {
  AuthenticatedDevice,
  DeviceEventView,
  DeviceRegisteredEvent,
  DeviceView,
  FleetErrorCode,
  FleetEvent,
  ListDeviceEventsRequest,
  ListDevicesRequest,
  Page,
  ProctorError,
  RegisterDeviceMessage,
  RegisteredDeviceView,
  UpdateDeviceSettingsMessage,
  UpdateDeviceStatusMessage,
} from '@proctor/contracts';
import { OutboxWriter, pageSize, toPage } from '@proctor/persistence';
import { toDeviceEventView } from './device-event.mapper';
import { DeviceEventRepository } from './device-event.repository';
import { issueDeviceKey } from './device-key';
import { DeviceListQuery } from './device-list.query';
import { settingsChange } from './device-settings';
import { announceStatusChanges, severityOf, statusTransition } from './device-status-transition';
import { toDeviceView } from './device.mapper';
import { DeviceRepository } from './device.repository';

@Injectable()
export class DeviceService {
  private readonly logger = new Logger(DeviceService.name);

  constructor(
    private readonly devices: DeviceRepository,
    private readonly events: DeviceEventRepository,
    private readonly outbox: OutboxWriter,
    private readonly listQuery: DeviceListQuery,
  ) {}

  /**
   * Registers a device, or updates it when it registers again (after a reflash or a move): devices
   * in the field call this at every boot. With `issue_key` (the caller used the fleet-wide or admin
   * key) a new device key is issued, only its hash kept, and the previous key stops working; a
   * device registering again with its own key keeps it. Each registration is announced, so that
   * consumers see a changed role or segment.
   */
  async register(request: RegisterDeviceMessage): Promise<RegisteredDeviceView> {
    const issued = request.issue_key ? issueDeviceKey() : null;
    const { device, inserted } = await this.devices.transaction(async (manager) => {
      const registered = await this.devices.upsert(manager, {
        device_id: request.device_id,
        hostname: request.hostname,
        role: request.role,
        branch: request.branch ?? null,
        segment: request.segment ?? null,
        ip_address: request.ip_address ?? null,
        key_hash: issued?.keyHash ?? null,
      });
      const { device } = registered;
      await this.events.insertMany(manager, [
        {
          device_id: device.device_id,
          event_type: 'registration',
          severity: 'info',
          message: registered.inserted ? 'device registered' : 'device registered again',
          details: { hostname: device.hostname, role: device.role, segment: device.segment, branch: device.branch, key_issued: issued !== null },
        },
      ]);
      const event: DeviceRegisteredEvent = { device_id: device.device_id, role: device.role, segment: device.segment };
      await this.outbox.add(manager, FleetEvent.DeviceRegistered, event);
      return registered;
    });
    this.logger.log({ msg: inserted ? 'device registered' : 'device registered again', device_id: device.device_id, role: device.role, key_issued: issued !== null });
    return { ...toDeviceView(device), device_key: issued?.key ?? null };
  }

  async authenticate(keyHash: string): Promise<AuthenticatedDevice> {
    const deviceId = await this.devices.findIdByKeyHash(keyHash);
    if (!deviceId) throw new ProctorError(FleetErrorCode.DeviceKeyInvalid, 'no device holds this key');
    return { device_id: deviceId };
  }

  async get(deviceId: string): Promise<DeviceView> {
    const device = await this.devices.findById(deviceId);
    if (!device) throw deviceNotFound(deviceId);
    return toDeviceView(device);
  }

  async list(request: ListDevicesRequest): Promise<Page<DeviceView>> {
    const size = pageSize(request.limit);
    const rows = await this.listQuery.page(
      {
        role: request.role,
        status: request.status,
        segment: request.segment,
        branch: request.branch,
        maintenance: request.maintenance,
        last_seen_before: request.last_seen_before,
        last_seen_after: request.last_seen_after,
      },
      request.cursor,
      size,
    );
    return toPage(rows, size, (d) => ({ at: new Date(d.created_at), id: d.device_id }), (d) => d);
  }

  /**
   * A status the device reports of itself (the seed's PATCH .../status): it spoke, so it is seen
   * now, and back online if it was offline. Every report is recorded as an event with its message;
   * only a change is announced.
   */
  async updateStatus(request: UpdateDeviceStatusMessage): Promise<DeviceView> {
    const device = await this.devices.transaction(async (manager) => {
      const change = await this.devices.setReportedStatus(manager, request.device_id, request.status);
      if (!change) throw deviceNotFound(request.device_id);
      const transition = statusTransition(change.previous_status, change.status);
      const { outbox } = announceStatusChanges([change]);
      await this.events.insertMany(manager, [
        {
          device_id: change.device_id,
          event_type: transition?.eventType ?? 'status_change',
          severity: severityOf(change.status),
          message: request.message ?? transition?.message ?? `status reported: ${change.status}`,
          details: { previous_status: change.previous_status, status: change.status },
        },
      ]);
      await this.outbox.addMany(manager, outbox);
      return this.devices.findById(request.device_id, manager);
    });
    if (!device) throw deviceNotFound(request.device_id);
    return toDeviceView(device);
  }

  /** An admin's settings: maintenance mode, updates, version lock, segment, branch, metadata. */
  async updateSettings(request: UpdateDeviceSettingsMessage): Promise<DeviceView> {
    const { device_id: deviceId, ...settings } = request;
    const device = await this.devices.transaction(async (manager) => {
      const current = await this.devices.findForUpdate(manager, deviceId);
      if (!current) throw deviceNotFound(deviceId);
      const { patch, events } = settingsChange(current, settings);
      if (events.length === 0) return current;
      await this.events.insertMany(manager, events);
      return this.devices.saveSettings(manager, deviceId, patch);
    });
    this.logger.log({ msg: 'device settings changed', device_id: deviceId, settings });
    return toDeviceView(device);
  }

  async listEvents(request: ListDeviceEventsRequest): Promise<Page<DeviceEventView>> {
    if (!(await this.devices.exists(request.device_id))) throw deviceNotFound(request.device_id);
    const size = pageSize(request.limit);
    const rows = await this.events.listPage(request.device_id, { event_type: request.event_type, severity: request.severity }, request.cursor, size);
    return toPage(rows, size, (e) => ({ at: e.created_at, id: e.id }), toDeviceEventView);
  }
}

export function deviceNotFound(deviceId: string): ProctorError {
  return new ProctorError(FleetErrorCode.DeviceNotFound, `no device with id ${deviceId}`, { device_id: deviceId });
}
