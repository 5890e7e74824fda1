import { announcesOffline, announcesOnline, offlineEvent, onlineEvent } from './agent-presence';

describe('agent presence', () => {
  const agent = {
    id: '0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11',
    name: 'lab-a1',
    capabilities: { iperf3: { version: '3.16', verified_at: '2026-11-23T10:00:00.000Z' } },
    last_heartbeat: new Date('2026-11-23T10:00:05.123Z'),
    presence_seq: '42',
  };

  it('announces online at every registration, and on a heartbeat only when the agent comes back', () => {
    expect(announcesOnline('register', 'offline')).toBe(true);
    expect(announcesOnline('register', 'online')).toBe(true);
    expect(announcesOnline('heartbeat', 'offline')).toBe(true);
    expect(announcesOnline('heartbeat', 'online')).toBe(false);
  });

  it('announces offline once per transition', () => {
    expect(announcesOffline('online')).toBe(true);
    expect(announcesOffline('offline')).toBe(false);
  });

  it('builds the events with capabilities, the reason, the last beat and the presence version (bigint text → number)', () => {
    expect(onlineEvent(agent)).toEqual({ agent_id: agent.id, name: 'lab-a1', capabilities: agent.capabilities, presence_seq: 42 });
    expect(offlineEvent(agent, 'timeout')).toEqual({
      agent_id: agent.id,
      name: 'lab-a1',
      reason: 'timeout',
      last_heartbeat: '2026-11-23T10:00:05.123Z',
      presence_seq: 42,
    });
    expect(offlineEvent({ ...agent, last_heartbeat: null }, 'disconnect').last_heartbeat).toBeNull();
  });
});
