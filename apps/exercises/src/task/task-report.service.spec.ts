import { TaskResultMessage } from '@proctor/contracts';
import tcpOutput from '../result/fixtures/iperf3-3.12-tcp.json';
import refused from '../result/fixtures/iperf3-3.12-connection-refused.json';
import { Task } from './task.entity';
import { TestParameters } from './task.repository';
import { readFinish } from './task-report.service';

const test: TestParameters = { duration_seconds: 1, protocol: 'tcp', parallel: 1, bandwidth: null, reverse: false, server_agent_id: 'server' };

function task(kind: Task['kind']): Task {
  return Object.assign(new Task(), { id: 'task', exercise_id: 'exercise', test_id: 'test', kind, attempt: 1 });
}

function finished(extra: Partial<TaskResultMessage>): TaskResultMessage {
  return Object.assign(new TaskResultMessage(), { task_id: 'task', agent_id: 'agent', attempt: 1, success: true, ...extra });
}

describe('readFinish', () => {
  it('keeps a client success with the figures read from its iperf3 output', () => {
    const read = readFinish(task('iperf3_client'), test, finished({ output: tcpOutput }));
    expect(read).toMatchObject({ success: true, error: null, result: { task_id: 'task', test_id: 'test', raw: tcpOutput, sent_bps: 20485647700.628223, parse_error: null } });
  });

  it('turns a client success into a failure when its output is iperf3 own error, keeping the output', () => {
    expect(readFinish(task('iperf3_client'), test, finished({ output: refused }))).toEqual({
      success: false,
      error: 'iperf3 reported: unable to connect to server: Connection refused',
      result: expect.objectContaining({ raw: refused, sent_bps: null, parse_error: 'iperf3 reported: unable to connect to server: Connection refused' }),
    });
  });

  it('fails a client that reports success without any output', () => {
    expect(readFinish(task('iperf3_client'), test, finished({}))).toEqual({ success: false, error: 'the client reported success without iperf3 output', result: null });
  });

  it('keeps what the daemon said of a failure', () => {
    expect(readFinish(task('iperf3_client'), test, finished({ success: false, error: 'iperf3 exited 1' }))).toEqual({ success: false, error: 'iperf3 exited 1', result: null });
  });

  it('takes a server report as it is, storing any output it sent unread', () => {
    expect(readFinish(task('iperf3_server'), test, finished({}))).toEqual({ success: true, error: null, result: null });
    expect(readFinish(task('iperf3_server'), test, finished({ output: { end: {} } })).result).toMatchObject({ raw: { end: {} }, sent_bps: null, parse_error: null });
  });
});
