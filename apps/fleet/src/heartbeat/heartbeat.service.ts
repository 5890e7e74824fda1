import { Injectable } from '@nestjs/common';
import { HeartbeatView, ListHeartbeatsRequest, Page } from '@proctor/contracts';
import { pageSize, toPage } from '@proctor/persistence';
import { DeviceRepository } from '../device/device.repository';
import { deviceNotFound } from '../device/device.service';
import { toHeartbeatView } from './heartbeat.mapper';
import { HeartbeatRepository } from './heartbeat.repository';

@Injectable()
export class HeartbeatService {
  constructor(
    private readonly devices: DeviceRepository,
    private readonly heartbeats: HeartbeatRepository,
  ) {}

  /** A device's heartbeat history, newest first. */
  async list(request: ListHeartbeatsRequest): Promise<Page<HeartbeatView>> {
    if (!(await this.devices.exists(request.device_id))) throw deviceNotFound(request.device_id);
    const size = pageSize(request.limit);
    const rows = await this.heartbeats.listPage(request.device_id, request.cursor, size);
    return toPage(rows, size, (h) => ({ at: h.received_at, id: h.heartbeat_id }), toHeartbeatView);
  }
}
