import { reservationVerdict } from './reservation-cleanup';

const now = new Date('2026-11-23T12:00:00.000Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

describe('reservationVerdict', () => {
  it('keeps the port of a server task that is still active', () => {
    expect(reservationVerdict({ task_state: 'running', slot_end: minutesAgo(-5), exercise_status: 'running' }, now, 3600)).toBe('keep');
    expect(reservationVerdict({ task_state: 'pending', slot_end: minutesAgo(-60), exercise_status: 'running' }, now, 3600)).toBe('keep');
  });

  it('releases the port of a server task that has ended, whichever way', () => {
    for (const task_state of ['succeeded', 'failed', 'timed_out', 'canceled'] as const) {
      expect(reservationVerdict({ task_state, slot_end: minutesAgo(-5), exercise_status: 'running' }, now, 3600)).toBe('release_task_ended');
    }
  });

  it('releases the ports of an exercise that is over', () => {
    expect(reservationVerdict({ task_state: 'running', slot_end: minutesAgo(-5), exercise_status: 'ended' }, now, 3600)).toBe('release_exercise_ended');
  });

  it('releases a reservation whose slot ended longer ago than the stale limit', () => {
    expect(reservationVerdict({ task_state: 'running', slot_end: minutesAgo(59), exercise_status: 'running' }, now, 3600)).toBe('keep');
    expect(reservationVerdict({ task_state: 'running', slot_end: minutesAgo(60), exercise_status: 'running' }, now, 3600)).toBe('release_stale');
  });
});
