import { FleetEvent } from '@proctor/contracts';
import { announceStatusChanges, severityOf, statusTransition } from './device-status-transition';

describe('statusTransition', () => {
  it('announces nothing when the status stays', () => {
    expect(statusTransition('healthy', 'healthy')).toBeNull();
    expect(statusTransition('offline', 'offline')).toBeNull();
  });

  it('announces going offline, whatever the status before', () => {
    for (const previous of ['healthy', 'degraded', 'failed'] as const) {
      expect(statusTransition(previous, 'offline')).toMatchObject({ eventType: 'offline', severity: 'warning', routingKey: FleetEvent.DeviceOffline });
    }
  });

  it('announces coming back online, with the status it came back with', () => {
    expect(statusTransition('offline', 'healthy')).toEqual({
      eventType: 'online',
      severity: 'info',
      routingKey: FleetEvent.DeviceOnline,
      message: 'device back online, healthy',
    });
    expect(statusTransition('offline', 'failed')).toMatchObject({ eventType: 'online', severity: 'error' });
  });

  it('announces a change between reported statuses, as severe as the new one', () => {
    expect(statusTransition('healthy', 'degraded')).toEqual({
      eventType: 'status_change',
      severity: 'warning',
      routingKey: FleetEvent.DeviceStatusChanged,
      message: 'status healthy → degraded',
    });
    expect(statusTransition('degraded', 'failed')?.severity).toBe('error');
    expect(statusTransition('failed', 'healthy')?.severity).toBe('info');
  });

  it('rates reported statuses', () => {
    expect(['healthy', 'degraded', 'failed'].map((s) => severityOf(s as 'healthy'))).toEqual(['info', 'warning', 'error']);
  });
});

describe('announceStatusChanges', () => {
  it('makes one device event and one domain event per real change, none for a status that stayed', () => {
    const lastSeen = new Date('2026-11-23T10:00:00.000Z');
    const { events, outbox } = announceStatusChanges([
      { device_id: 'd1', previous_status: 'offline', status: 'healthy', last_seen: lastSeen },
      { device_id: 'd2', previous_status: 'healthy', status: 'healthy', last_seen: lastSeen },
      { device_id: 'd3', previous_status: 'degraded', status: 'offline', last_seen: null },
    ]);
    expect(events).toEqual([
      {
        device_id: 'd1',
        event_type: 'online',
        severity: 'info',
        message: 'device back online, healthy',
        details: { previous_status: 'offline', status: 'healthy', last_seen: '2026-11-23T10:00:00.000Z' },
      },
      {
        device_id: 'd3',
        event_type: 'offline',
        severity: 'warning',
        message: 'device went offline: no heartbeat',
        details: { previous_status: 'degraded', status: 'offline', last_seen: null },
      },
    ]);
    expect(outbox).toEqual([
      {
        routingKey: FleetEvent.DeviceOnline,
        payload: { device_id: 'd1', status: 'healthy', previous_status: 'offline', last_seen: '2026-11-23T10:00:00.000Z' },
      },
      { routingKey: FleetEvent.DeviceOffline, payload: { device_id: 'd3', status: 'offline', previous_status: 'degraded', last_seen: null } },
    ]);
  });
});
