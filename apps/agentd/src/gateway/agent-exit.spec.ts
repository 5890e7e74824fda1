import { agentExitFor, EXIT_AGENT_DELETED, EXIT_UNSUPPORTED_VERSION } from './agent-exit';
import { GatewayError } from './gateway-error';

describe('agentExitFor', () => {
  it('exits on a 404 about the agent', () => {
    expect(agentExitFor(new GatewayError(404, 'agent_not_found', 'gone'))).toEqual({
      code: EXIT_AGENT_DELETED,
      reason: expect.stringContaining('deleted'),
    });
    expect(agentExitFor(new GatewayError(404, 'not_found', 'no route'))?.code).toBe(EXIT_AGENT_DELETED);
  });

  it('does not exit on a 404 about one task or job', () => {
    expect(agentExitFor(new GatewayError(404, 'task_not_found', 'no such task'))).toBeUndefined();
    expect(agentExitFor(new GatewayError(404, 'job_not_found', 'no such job'))).toBeUndefined();
  });

  it('exits on a 426, naming the versions the server speaks', () => {
    const exit = agentExitFor(new GatewayError(426, 'unsupported_api_version', 'x', { supported: ['2', '3'] }));
    expect(exit).toEqual({ code: EXIT_UNSUPPORTED_VERSION, reason: expect.stringContaining('it supports: 2, 3') });
  });

  it.each([400, 401, 409, 422, 500, null])('carries on after %s', (status) => {
    expect(agentExitFor(new GatewayError(status, 'x', 'y'))).toBeUndefined();
  });
});
