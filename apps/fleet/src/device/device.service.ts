import { Injectable, Logger } from '@nestjs/common';
import {
  DeviceRegisteredEvent,
  DeviceView,
  FleetErrorCode,
  FleetEvent,
  ListDevicesRequest,
  Page,
  ProctorError,
  RegisterDeviceRequest,
} from '@proctor/contracts';
import { OutboxWriter, pageSize, toPage } from '@proctor/persistence';
import { toDeviceView } from './device.mapper';
import { DeviceRepository } from './device.repository';

@Injectable()
export class DeviceService {
  private readonly logger = new Logger(DeviceService.name);

  constructor(
    private readonly devices: DeviceRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Registers a device, or updates it when it registers again (after a reflash or a move): devices
   * in the field call this at every boot. Each registration is announced, so that consumers see a
   * changed role or segment.
   */
  async register(request: RegisterDeviceRequest): Promise<DeviceView> {
    const { device, inserted } = await this.devices.transaction(async (manager) => {
      const registered = await this.devices.upsert(manager, {
        device_id: request.device_id,
        hostname: request.hostname,
        role: request.role,
        branch: request.branch ?? null,
        segment: request.segment ?? null,
        ip_address: request.ip_address ?? null,
      });
      const event: DeviceRegisteredEvent = { device_id: registered.device.device_id, role: registered.device.role, segment: registered.device.segment };
      await this.outbox.add(manager, FleetEvent.DeviceRegistered, event);
      return registered;
    });
    this.logger.log({ msg: inserted ? 'device registered' : 'device registered again', device_id: device.device_id, role: device.role });
    return toDeviceView(device);
  }

  async get(deviceId: string): Promise<DeviceView> {
    const device = await this.devices.findById(deviceId);
    if (!device) throw new ProctorError(FleetErrorCode.DeviceNotFound, `no device with id ${deviceId}`, { device_id: deviceId });
    return toDeviceView(device);
  }

  async list(request: ListDevicesRequest): Promise<Page<DeviceView>> {
    const size = pageSize(request.limit);
    const rows = await this.devices.listPage({ role: request.role, status: request.status, segment: request.segment }, request.cursor, size);
    return toPage(rows, size, (d) => ({ at: d.created_at, id: d.device_id }), toDeviceView);
  }
}
