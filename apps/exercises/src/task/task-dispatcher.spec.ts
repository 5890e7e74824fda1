import { dispatchDecision } from './task-dispatcher';

describe('dispatchDecision', () => {
  it('sends a due task whose agent is free', () => {
    expect(dispatchDecision({ kind: 'iperf3_server', agentBusy: false })).toBe('send');
    expect(dispatchDecision({ kind: 'iperf3_client', agentBusy: false })).toBe('send');
  });

  it('holds an iperf3 task back while its agent still runs another test', () => {
    expect(dispatchDecision({ kind: 'iperf3_server', agentBusy: true })).toBe('hold_agent_busy');
    expect(dispatchDecision({ kind: 'iperf3_client', agentBusy: true })).toBe('hold_agent_busy');
  });

  it('never holds a kill_all back: it is what frees the agent', () => {
    expect(dispatchDecision({ kind: 'kill_all', agentBusy: true })).toBe('send');
  });
});
