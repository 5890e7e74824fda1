import { Injectable, Logger } from '@nestjs/common';
import { DeviceUpdateView, ListDeviceUpdatesRequest, Page, ReportUpdateMessage } from '@proctor/contracts';
import { pageSize, toPage } from '@proctor/persistence';
import { DeviceEventRepository } from '../device/device-event.repository';
import { DeviceRepository } from '../device/device.repository';
import { deviceNotFound } from '../device/device.service';
import { RolloutService } from '../rollout/rollout.service';
import { toDeviceUpdateView } from './device-update.mapper';
import { DeviceUpdateRepository } from './device-update.repository';
import { updateEvent } from './update-event';

@Injectable()
export class DeviceUpdateService {
  private readonly logger = new Logger(DeviceUpdateService.name);

  constructor(
    private readonly devices: DeviceRepository,
    private readonly updates: DeviceUpdateRepository,
    private readonly events: DeviceEventRepository,
    private readonly rollouts: RolloutService,
  ) {}

  /**
   * Records an update attempt a device reports (seed 004's device_updates), with an event; a success
   * sets the commit the device runs; a report of the target of the rollout covering the device
   * counts for that rollout. All in one transaction.
   */
  async report(request: ReportUpdateMessage): Promise<DeviceUpdateView> {
    const { device_id: deviceId, ...report } = request;
    const update = await this.devices.transaction(async (manager) => {
      const device = await this.devices.findById(deviceId, manager);
      if (!device) throw deviceNotFound(deviceId);
      const rolloutId = await this.rollouts.recordReport(manager, device, report);
      const inserted = await this.updates.insert(manager, {
        device_id: deviceId,
        from_commit_hash: report.from_commit_hash ?? null,
        to_commit_hash: report.to_commit_hash,
        update_status: report.update_status,
        error_message: report.error_message ?? null,
        health_check_passed: report.health_check_passed ?? null,
        rollout_id: rolloutId,
      });
      if (report.update_status === 'success') await this.devices.setCurrentCommit(manager, deviceId, report.to_commit_hash);
      await this.events.insertMany(manager, [updateEvent(deviceId, report, rolloutId)]);
      return inserted;
    });
    this.logger.log({ msg: 'update reported', device_id: deviceId, to_commit_hash: report.to_commit_hash, update_status: report.update_status, rollout_id: update.rollout_id });
    return toDeviceUpdateView(update);
  }

  async list(request: ListDeviceUpdatesRequest): Promise<Page<DeviceUpdateView>> {
    if (!(await this.devices.exists(request.device_id))) throw deviceNotFound(request.device_id);
    const size = pageSize(request.limit);
    const rows = await this.updates.listPage(request.device_id, request.cursor, size);
    return toPage(rows, size, (u) => ({ at: u.created_at, id: u.id }), toDeviceUpdateView);
  }
}
