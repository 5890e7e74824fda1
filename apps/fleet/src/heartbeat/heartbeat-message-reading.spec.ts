import { HeartbeatMessage, HeartbeatMessageType } from '@proctor/contracts';
import { readHeartbeats } from './heartbeat-message-reading';

const hb = (over: Record<string, unknown> = {}) => ({
  heartbeat_id: '3f0e4b8a-2c1d-4e5f-9a6b-7c8d9e0f1a2b',
  device_id: 'pi-01',
  status: 'healthy',
  received_at: '2026-11-23T10:00:00.123Z',
  ...over,
});

describe('readHeartbeats', () => {
  it('reads a single heartbeat, typed as such or untyped (as gateways before batching sent it)', () => {
    expect(readHeartbeats(hb(), HeartbeatMessageType.Single)).toEqual({ ok: true, payload: [hb()] });
    expect(readHeartbeats(hb(), undefined)).toEqual({ ok: true, payload: [hb()] });
  });

  it('reads what only class-validator takes (a stamp in another valid form) as class-validator does', () => {
    const reading = readHeartbeats(hb({ received_at: '2026-11-23T10:00:00Z', cpu_percent: null }), undefined);
    expect(reading.ok).toBe(true);
    expect(reading.ok && reading.payload[0]).toBeInstanceOf(HeartbeatMessage);
  });

  it('refuses an invalid single heartbeat with the reason class-validator gives', () => {
    expect(readHeartbeats(hb({ cpu_percent: 500 }), undefined)).toEqual({
      ok: false,
      reason: 'invalid payload: {"cpu_percent":["cpu_percent must not be greater than 100"]}',
    });
  });

  it('reads every heartbeat of a batch, in order', () => {
    const batch = [hb(), hb({ heartbeat_id: '0c3e6a1f-8d2b-4f7a-b1c9-5e4d3c2b1a09', device_id: 'pi-02', status: 'failed' })];
    expect(readHeartbeats({ heartbeats: batch }, HeartbeatMessageType.Batch)).toEqual({ ok: true, payload: batch });
  });

  it('refuses a whole batch when one of its heartbeats is invalid, naming which', () => {
    const reading = readHeartbeats({ heartbeats: [hb(), hb({ status: 'sleepy' })] }, HeartbeatMessageType.Batch);
    expect(reading).toEqual({ ok: false, reason: expect.stringMatching(/^heartbeat 1 of the batch: invalid payload: .*status/) });
  });

  it('refuses a batch envelope that is wrong: empty, not a list, with other fields, or a single heartbeat typed as a batch', () => {
    for (const body of [{ heartbeats: [] }, { heartbeats: hb() }, { heartbeats: [hb()], extra: 1 }, hb(), [hb()]]) {
      expect({ body, ok: readHeartbeats(body, HeartbeatMessageType.Batch).ok }).toEqual({ body, ok: false });
    }
  });
});
