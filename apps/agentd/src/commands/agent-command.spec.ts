import { parseAgentCommand } from './agent-command';

const taskId = '7d2e4f60-1a3b-4c5d-8e9f-0a1b2c3d4e5f';
const exerciseId = '1c9f0e2d-3b4a-4c5d-9e8f-7a6b5c4d3e2f';
const task = {
  task_id: taskId,
  attempt: 1,
  exercise_id: exerciseId,
  kind: 'iperf3_client',
  port: 5201,
  server_address: '10.0.0.7',
  duration_seconds: 10,
  protocol: 'udp',
  parallel: null,
  bandwidth: '10M',
  reverse: false,
  deadline: '2030-01-01T00:00:00.000Z',
};
const parse = (value: unknown) => parseAgentCommand(Buffer.from(JSON.stringify(value)));

describe('parseAgentCommand', () => {
  it('reads the three commands', () => {
    expect(parse({ command: 'run', task })).toEqual({ ok: true, command: { command: 'run', task } });
    expect(parse({ command: 'cancel', task_id: taskId, attempt: 2 })).toEqual({ ok: true, command: { command: 'cancel', task_id: taskId, attempt: 2 } });
    expect(parse({ command: 'kill_all', exercise_id: exerciseId })).toEqual({ ok: true, command: { command: 'kill_all', exercise_id: exerciseId } });
  });

  it('reads the job commands', () => {
    const jobId = '0b6c1f5e-8d2a-4e3b-9c7d-6a5b4c3d2e1f';
    expect(parse({ command: 'run_job', job_id: jobId, attempt: 1 })).toEqual({ ok: true, command: { command: 'run_job', job_id: jobId, attempt: 1 } });
    expect(parse({ command: 'cancel_job', job_id: jobId, attempt: 3, extra: 'ignored' })).toEqual({
      ok: true,
      command: { command: 'cancel_job', job_id: jobId, attempt: 3 },
    });
  });

  it('reads absent optional task fields as null, and reverse as false', () => {
    const server: Record<string, unknown> = { ...task, kind: 'iperf3_server' };
    delete server.port;
    delete server.parallel;
    delete server.reverse;
    expect(parse({ command: 'run', task: server })).toMatchObject({ ok: true, command: { task: { port: null, parallel: null, reverse: false } } });
  });

  it.each<[string, unknown]>([
    ['the body is not a JSON object', []],
    ['unknown command "reboot"', { command: 'reboot' }],
    ['task must be an object', { command: 'run', task: 'x' }],
    ['task_id must be a UUID', { command: 'cancel', task_id: 'x', attempt: 1 }],
    ['attempt must be a whole number from 1', { command: 'cancel', task_id: taskId, attempt: 0 }],
    ['exercise_id must be a UUID', { command: 'kill_all' }],
    ['job_id must be a UUID', { command: 'run_job', job_id: 'job-1', attempt: 1 }],
    ['attempt must be a whole number from 1', { command: 'run_job', job_id: taskId }],
    ['attempt must be a whole number from 1', { command: 'cancel_job', job_id: taskId, attempt: 1.5 }],
    ['task.kind must be one of iperf3_server, iperf3_client, kill_all', { command: 'run', task: { ...task, kind: 'shell' } }],
    ['task.port has a bad value: "5201"', { command: 'run', task: { ...task, port: '5201' } }],
    ['task.protocol has a bad value: "sctp"', { command: 'run', task: { ...task, protocol: 'sctp' } }],
    ['task.deadline must be a string', { command: 'run', task: { ...task, deadline: undefined } }],
  ])('refuses with "%s"', (error, value) => {
    expect(parse(value)).toEqual({ ok: false, error });
  });

  it('refuses a body that is not JSON', () => {
    expect(parseAgentCommand(Buffer.from('run it'))).toEqual({ ok: false, error: 'the body is not JSON' });
  });
});
