import { Task } from './task.entity';
import { toAgentCommand, toTaskAssignment } from './task-assignment';
import { TestParameters } from './task.repository';

function task(kind: Task['kind'], extra: Partial<Task> = {}): Task {
  return Object.assign(new Task(), {
    id: '7d8f3b0e-1111-4c7a-9a55-000000000001',
    exercise_id: '7d8f3b0e-2222-4c7a-9a55-000000000002',
    test_id: kind === 'kill_all' ? null : '7d8f3b0e-3333-4c7a-9a55-000000000003',
    agent_id: '7d8f3b0e-4444-4c7a-9a55-000000000004',
    kind,
    state: 'pending',
    attempt: 2,
    port: kind === 'kill_all' ? null : 5203,
    slot_start: new Date('2026-11-23T10:00:00.000Z'),
    slot_end: new Date('2026-11-23T10:00:20.000Z'),
    ...extra,
  });
}

const test: TestParameters = { duration_seconds: 10, protocol: 'udp', parallel: 2, bandwidth: '100M', reverse: true, server_agent_id: 'server' };

describe('toTaskAssignment / toAgentCommand', () => {
  it('sends a client its server address and port, the test parameters and its slot end as deadline', () => {
    expect(toAgentCommand(task('iperf3_client'), test, '10.0.0.5')).toEqual({
      command: 'run',
      task: {
        task_id: '7d8f3b0e-1111-4c7a-9a55-000000000001',
        attempt: 2,
        exercise_id: '7d8f3b0e-2222-4c7a-9a55-000000000002',
        kind: 'iperf3_client',
        port: 5203,
        server_address: '10.0.0.5',
        duration_seconds: 10,
        protocol: 'udp',
        parallel: 2,
        bandwidth: '100M',
        reverse: true,
        deadline: '2026-11-23T10:00:20.000Z',
      },
    });
  });

  it('gives a server no address to connect to', () => {
    expect(toTaskAssignment(task('iperf3_server'), test, '10.0.0.5')).toMatchObject({ kind: 'iperf3_server', port: 5203, server_address: null });
  });

  it('turns a kill_all task into the kill_all command of its exercise', () => {
    expect(toAgentCommand(task('kill_all'), null, null)).toEqual({ command: 'kill_all', exercise_id: '7d8f3b0e-2222-4c7a-9a55-000000000002' });
  });
});
