import { distinctHeartbeats, heartbeatsOf, latestPerDevice, rejectUnknown } from './heartbeat-batch';

describe('heartbeat batches', () => {
  const hb = (heartbeat_id: string, device_id: string, received_at: string, status = 'healthy') => ({ heartbeat_id, device_id, received_at, status });

  it('keeps the first copy of each heartbeat id', () => {
    const batch = [hb('a', 'd1', '2026-11-23T10:00:00Z'), hb('b', 'd1', '2026-11-23T10:00:01Z'), hb('a', 'd1', '2026-11-23T10:00:00Z', 'failed')];
    expect(distinctHeartbeats(batch)).toEqual([batch[0], batch[1]]);
  });

  it('picks per device the heartbeat received last, whatever the order in the batch', () => {
    const batch = [
      hb('a', 'd1', '2026-11-23T10:00:05.000Z'),
      hb('b', 'd2', '2026-11-23T10:00:01.000Z'),
      hb('c', 'd1', '2026-11-23T10:00:03.000Z'),
      hb('d', 'd2', '2026-11-23T10:00:02.000Z'),
    ];
    expect(latestPerDevice(batch).map((h) => h.heartbeat_id)).toEqual(['a', 'd']);
  });

  it('compares times, not strings (offsets differ)', () => {
    const batch = [hb('a', 'd1', '2026-11-23T12:00:00+02:00'), hb('b', 'd1', '2026-11-23T10:30:00Z')];
    expect(latestPerDevice(batch).map((h) => h.heartbeat_id)).toEqual(['b']);
  });

  it('lets the later one in the batch win a tie', () => {
    const batch = [hb('a', 'd1', '2026-11-23T10:00:00Z'), hb('b', 'd1', '2026-11-23T10:00:00Z')];
    expect(latestPerDevice(batch).map((h) => h.heartbeat_id)).toEqual(['b']);
  });
});

describe('heartbeats carried by messages', () => {
  const hb = (heartbeat_id: string, device_id = 'd1') => ({ heartbeat_id, device_id, received_at: '2026-11-23T10:00:00.000Z', status: 'healthy' });

  it('lists every heartbeat with its message, whether that message carried it alone, and its id in lower case', () => {
    const carried = heartbeatsOf([
      { messageId: 'm1', payload: [hb('AA')] },
      { messageId: 'm2', payload: [hb('b'), hb('c')] },
    ]);
    expect(carried).toEqual([
      { heartbeat: hb('aa'), messageId: 'm1', alone: true },
      { heartbeat: hb('b'), messageId: 'm2', alone: false },
      { heartbeat: hb('c'), messageId: 'm2', alone: false },
    ]);
  });

  it('parks a lone heartbeat of an unknown device with its message, and one of a batch alone, as a message of its own', () => {
    const carried = heartbeatsOf([
      { messageId: 'm1', payload: [hb('a', 'gone')] },
      { messageId: 'm2', payload: [hb('b'), hb('c', 'gone'), hb('d')] },
    ]);
    const rejected = rejectUnknown(carried, new Set(['a', 'c']));
    expect(rejected).toEqual([
      { messageId: 'm1', reason: 'unknown device gone', part: undefined },
      { messageId: 'm2', reason: 'unknown device gone', part: { messageId: 'c', content: expect.any(Buffer) } },
    ]);
    expect(JSON.parse(rejected[1].part?.content.toString() ?? '')).toEqual(hb('c', 'gone'));
  });
});
