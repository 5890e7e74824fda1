import { DeviceEventType, DeviceStatus, DeviceStatusEvent, EventSeverity, FleetEvent } from '@proctor/contracts';
import type { NewDeviceEvent } from './device-event.repository';

export interface StatusTransition {
  eventType: Extract<DeviceEventType, 'online' | 'offline' | 'status_change'>;
  severity: EventSeverity;
  routingKey: FleetEvent.DeviceOnline | FleetEvent.DeviceOffline | FleetEvent.DeviceStatusChanged;
  message: string;
}

const SEVERITY_OF: Record<DeviceStatus, EventSeverity> = { healthy: 'info', degraded: 'warning', failed: 'error', offline: 'warning' };

/**
 * What a change of status means, as a device event and a domain event: going offline, coming back
 * online (from offline, whatever it reports), or a change between the statuses a device reports.
 * No change, no event.
 */
export function statusTransition(previous: DeviceStatus, next: DeviceStatus): StatusTransition | null {
  if (previous === next) return null;
  if (next === 'offline') return { eventType: 'offline', severity: 'warning', routingKey: FleetEvent.DeviceOffline, message: 'device went offline: no heartbeat' };
  if (previous === 'offline') {
    return { eventType: 'online', severity: SEVERITY_OF[next] === 'error' ? 'error' : 'info', routingKey: FleetEvent.DeviceOnline, message: `device back online, ${next}` };
  }
  return { eventType: 'status_change', severity: SEVERITY_OF[next], routingKey: FleetEvent.DeviceStatusChanged, message: `status ${previous} → ${next}` };
}

/** The severity of a status a device reports of itself. */
export function severityOf(status: DeviceStatus): EventSeverity {
  return SEVERITY_OF[status];
}

/** A status a device changed from and to, as the statement that changed it returned it. */
export interface StatusChange {
  device_id: string;
  previous_status: DeviceStatus;
  status: DeviceStatus;
  last_seen: Date | null;
}

/** The device events and domain events a set of status changes announces (none for a change that is not one). */
export function announceStatusChanges(changes: StatusChange[]): { events: NewDeviceEvent[]; outbox: { routingKey: string; payload: DeviceStatusEvent }[] } {
  const events: NewDeviceEvent[] = [];
  const outbox: { routingKey: string; payload: DeviceStatusEvent }[] = [];
  for (const change of changes) {
    const transition = statusTransition(change.previous_status, change.status);
    if (!transition) continue;
    const lastSeen = change.last_seen?.toISOString() ?? null;
    events.push({
      device_id: change.device_id,
      event_type: transition.eventType,
      severity: transition.severity,
      message: transition.message,
      details: { previous_status: change.previous_status, status: change.status, last_seen: lastSeen },
    });
    outbox.push({
      routingKey: transition.routingKey,
      payload: { device_id: change.device_id, status: change.status, previous_status: change.previous_status, last_seen: lastSeen },
    });
  }
  return { events, outbox };
}
