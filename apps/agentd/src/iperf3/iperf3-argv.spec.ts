import { TaskAssignment } from '@proctor/contracts';
import { iperf3Argv } from './iperf3-argv';

const base: TaskAssignment = {
  task_id: '7d2e4f60-1a3b-4c5d-8e9f-0a1b2c3d4e5f',
  attempt: 1,
  exercise_id: '1c9f0e2d-3b4a-4c5d-9e8f-7a6b5c4d3e2f',
  kind: 'iperf3_client',
  port: 5201,
  server_address: '10.0.0.7',
  duration_seconds: 10,
  protocol: 'tcp',
  parallel: null,
  bandwidth: null,
  reverse: false,
  deadline: '2030-01-01T00:00:00.000Z',
};

describe('iperf3Argv', () => {
  it('runs a one-off server on the task port, flushing its "Server listening" line', () => {
    expect(iperf3Argv({ ...base, kind: 'iperf3_server', server_address: null, duration_seconds: null, protocol: null })).toEqual({
      ok: true,
      role: 'server',
      port: 5201,
      argv: ['-s', '-1', '-p', '5201', '--forceflush'],
    });
  });

  it('runs a TCP client with JSON output', () => {
    expect(iperf3Argv(base)).toEqual({ ok: true, role: 'client', port: 5201, argv: ['-c', '10.0.0.7', '-p', '5201', '-t', '10', '-J'] });
  });

  it('adds UDP, bandwidth, parallel streams and reverse when asked', () => {
    const plan = iperf3Argv({ ...base, protocol: 'udp', bandwidth: '100M', parallel: 4, reverse: true, server_address: 'fe80::1%eth0' });
    expect(plan).toMatchObject({ ok: true, argv: ['-c', 'fe80::1%eth0', '-p', '5201', '-t', '10', '-J', '-u', '-b', '100M', '-P', '4', '-R'] });
  });

  it('leaves out -P for a single stream', () => {
    expect(iperf3Argv({ ...base, parallel: 1 })).toMatchObject({ argv: ['-c', '10.0.0.7', '-p', '5201', '-t', '10', '-J'] });
  });

  it.each<[string, Partial<TaskAssignment>]>([
    ['port must be 1-65535, got null', { port: null }],
    ['port must be 1-65535, got 70000', { port: 70000 }],
    ['server_address must be a host name or IP address, got null', { server_address: null }],
    ['server_address must be a host name or IP address, got "-R"', { server_address: '-R' }],
    ['server_address must be a host name or IP address, got "a b"', { server_address: 'a b' }],
    ['duration_seconds must be 1-86400, got 0', { duration_seconds: 0 }],
    ['duration_seconds must be 1-86400, got 1.5', { duration_seconds: 1.5 }],
    ['bandwidth must look like 500K, 100M or 1G, got "fast"', { bandwidth: 'fast' }],
    ['parallel must be 1-128, got 0', { parallel: 0 }],
    ['kind kill_all does not run iperf3', { kind: 'kill_all' }],
  ])('refuses a task whose %s', (problem, change) => {
    expect(iperf3Argv({ ...base, ...change })).toEqual({ ok: false, error: `invalid task: ${problem}` });
  });
});
