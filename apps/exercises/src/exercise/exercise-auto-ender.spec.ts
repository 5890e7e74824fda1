import { autoEndDecision } from './exercise-auto-ender';

describe('autoEndDecision', () => {
  it('ends once every task of the tests has ended, however', () => {
    expect(
      autoEndDecision([
        { kind: 'iperf3_server', state: 'succeeded' },
        { kind: 'iperf3_client', state: 'succeeded' },
        { kind: 'iperf3_server', state: 'timed_out' },
        { kind: 'iperf3_client', state: 'failed' },
        { kind: 'iperf3_client', state: 'canceled' },
      ]),
    ).toBe('end');
  });

  it('waits while any of them is pending, accepted or running', () => {
    for (const state of ['pending', 'accepted', 'running'] as const) {
      expect(autoEndDecision([{ kind: 'iperf3_server', state: 'succeeded' }, { kind: 'iperf3_client', state }])).toBe('wait');
    }
  });

  it('does not count kill_all tasks, and never ends an exercise without test tasks', () => {
    expect(autoEndDecision([{ kind: 'iperf3_client', state: 'succeeded' }, { kind: 'kill_all', state: 'pending' }])).toBe('end');
    expect(autoEndDecision([{ kind: 'kill_all', state: 'succeeded' }])).toBe('wait');
    expect(autoEndDecision([])).toBe('wait');
  });
});
