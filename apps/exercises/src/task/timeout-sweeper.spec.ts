import { Task } from './task.entity';
import { TimeoutCandidate } from './task.repository';
import { timeoutVerdict } from './timeout-sweeper';

const now = new Date('2026-11-23T12:00:00.000Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);

function candidate(task: Partial<Task>, extra: Partial<Omit<TimeoutCandidate, 'task'>> = {}): TimeoutCandidate {
  return {
    task: Object.assign(new Task(), {
      kind: 'iperf3_client',
      state: 'pending',
      attempt: 1,
      slot_start: ago(30),
      slot_end: ago(10),
      started_at: null,
      dispatched_at: null,
      held_reason: null,
      ...task,
    }),
    durationSeconds: 10,
    serverStartedAt: ago(25),
    ...extra,
  };
}

describe('timeoutVerdict', () => {
  it('times out a running client after its duration plus grace, counted from its start', () => {
    const slotStillOpen = { slot_end: ago(-100) };
    expect(timeoutVerdict(candidate({ state: 'running', started_at: ago(14), ...slotStillOpen }), now, 5)).toEqual({ action: 'wait' });
    expect(timeoutVerdict(candidate({ state: 'running', started_at: ago(15), ...slotStillOpen }), now, 5)).toMatchObject({
      action: 'end',
      event: { type: 'time_out' },
    });
  });

  it('times out a running server once its slot and a grace are over', () => {
    expect(timeoutVerdict(candidate({ kind: 'iperf3_server', state: 'running', slot_end: ago(4) }), now, 5)).toEqual({ action: 'wait' });
    expect(timeoutVerdict(candidate({ kind: 'iperf3_server', state: 'running', slot_end: ago(5) }), now, 5)).toMatchObject({ action: 'end', event: { type: 'time_out' } });
  });

  it('leaves a task that has not started alone until its slot is over', () => {
    expect(timeoutVerdict(candidate({ state: 'pending', slot_end: ago(-1) }, { serverStartedAt: null }), now, 5)).toEqual({ action: 'wait' });
  });

  it('fails a client whose server never started with server_not_listening', () => {
    expect(timeoutVerdict(candidate({ state: 'pending' }, { serverStartedAt: null }), now, 5)).toMatchObject({
      action: 'end',
      event: { type: 'fail', reason: 'server_not_listening' },
    });
  });

  it('fails a task held back by its busy agent with slot_conflict', () => {
    expect(timeoutVerdict(candidate({ kind: 'iperf3_server', held_reason: 'agent_busy' }), now, 5)).toMatchObject({ event: { type: 'fail', reason: 'slot_conflict' } });
  });

  it('fails a task its agent never took with agent_offline, sent or not', () => {
    expect(timeoutVerdict(candidate({ kind: 'iperf3_server', dispatched_at: ago(20) }), now, 5)).toMatchObject({ event: { type: 'fail', reason: 'agent_offline' } });
    expect(timeoutVerdict(candidate({ kind: 'iperf3_server', held_reason: 'unroutable' }), now, 5)).toMatchObject({ event: { type: 'fail', reason: 'agent_offline' } });
    expect(timeoutVerdict(candidate({ kind: 'kill_all', slot_end: ago(1) }, { durationSeconds: null, serverStartedAt: null }), now, 5)).toMatchObject({
      event: { type: 'fail', reason: 'agent_offline' },
    });
  });

  it('fails a task its agent took and never started with agent_lost_task', () => {
    expect(timeoutVerdict(candidate({ kind: 'iperf3_server', state: 'accepted' }), now, 5)).toMatchObject({ event: { type: 'fail', reason: 'agent_lost_task' } });
    expect(timeoutVerdict(candidate({ state: 'accepted' }), now, 5)).toMatchObject({ event: { type: 'fail', reason: 'agent_lost_task' } });
  });
});
