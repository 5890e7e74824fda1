import { Injectable } from '@nestjs/common';
import { HeartbeatMessage } from '@proctor/contracts';
import { BatchItem, BatchRejection } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';
import { OutboxWriter } from '@proctor/persistence';
import { DeviceEventRepository } from '../device/device-event.repository';
import { announceStatusChanges } from '../device/device-status-transition';
import { DeviceRepository } from '../device/device.repository';
import { distinctHeartbeats, heartbeatsOf, latestPerDevice, rejectUnknown } from './heartbeat-batch';
import { HeartbeatRepository } from './heartbeat.repository';

/**
 * Writes a batch of heartbeats in one transaction of a few multi-row statements, whatever its size:
 * the history (duplicates skipped by heartbeat_id), each device's last seen, status and commit, and
 * for the devices whose status changed their device events and outbox rows. Applying a batch twice
 * changes nothing the second time: a heartbeat written before is not applied again.
 */
@Injectable()
export class HeartbeatIngestService {
  private readonly written;
  private readonly duplicates;
  private readonly unknown;
  private readonly latency;
  private readonly transitions;

  constructor(
    private readonly devices: DeviceRepository,
    private readonly events: DeviceEventRepository,
    private readonly heartbeats: HeartbeatRepository,
    private readonly outbox: OutboxWriter,
    metrics: MetricsService,
  ) {
    this.written = metrics.counter('fleet_heartbeats_written_total', 'Heartbeats written to the history');
    this.duplicates = metrics.counter('fleet_heartbeats_duplicate_total', 'Heartbeats delivered again and not written twice');
    this.unknown = metrics.counter('fleet_heartbeats_unknown_device_total', 'Heartbeats for a device that is not registered (dead-lettered, each on its own)');
    this.latency = metrics.histogram('fleet_heartbeat_ingest_latency_seconds', 'From the gateway accepting a heartbeat to its batch committing');
    this.transitions = metrics.counter('fleet_device_status_changes_total', 'Device status changes announced, by kind', ['event']);
  }

  /** Each item is one message: the heartbeats it carries (one, or a gateway's batch). */
  async ingest(items: BatchItem<HeartbeatMessage[]>[]): Promise<{ rejected: BatchRejection[] }> {
    const carried = heartbeatsOf(items);
    const batch = distinctHeartbeats(carried.map(({ heartbeat }) => heartbeat));
    const { outcomes, events } = await this.devices.transaction(async (manager) => {
      const outcomes = await this.heartbeats.insertNew(manager, batch);
      const inserted = new Set(outcomes.filter((o) => o.inserted).map((o) => o.heartbeat_id));
      const latest = latestPerDevice(batch.filter((h) => inserted.has(h.heartbeat_id)));
      const changes = await this.devices.applyHeartbeats(
        manager,
        latest.map((h) => ({ device_id: h.device_id, status: h.status, received_at: h.received_at, current_commit_hash: h.current_commit_hash ?? null })),
      );
      const { events, outbox } = announceStatusChanges(changes);
      await this.events.insertMany(manager, events);
      await this.outbox.addMany(manager, outbox);
      return { outcomes, events };
    });

    const committedAt = Date.now();
    const unknownIds = new Set(outcomes.filter((o) => !o.known).map((o) => o.heartbeat_id));
    const rejected = unknownIds.size > 0 ? rejectUnknown(carried, unknownIds) : [];
    const written = new Set(outcomes.filter((o) => o.inserted).map((o) => o.heartbeat_id));
    for (const h of batch) if (written.has(h.heartbeat_id)) this.latency.observe((committedAt - Date.parse(h.received_at)) / 1000);
    this.written.inc(written.size);
    this.duplicates.inc(carried.length - written.size - rejected.length);
    this.unknown.inc(rejected.length);
    for (const e of events) this.transitions.inc({ event: e.event_type });
    return { rejected };
  }
}
