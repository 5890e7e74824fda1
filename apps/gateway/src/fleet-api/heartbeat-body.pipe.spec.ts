import 'reflect-metadata';
import { createValidationPipe, HeartbeatRequest, isPlainlyValidHeartbeat, ProctorError } from '@proctor/contracts';
import { DeviceRoutes } from './device-routes';
import { HeartbeatBodyPipe } from './heartbeat-body.pipe';

const full = { status: 'healthy', cpu_percent: 12.5, memory_percent: 40.1, disk_percent: 63, temperature: 55.2, containers_running: 3, containers_failed: 0, current_commit_hash: 'a1b2c3d4' };

/** Bodies at and around every rule of HeartbeatRequest, valid and not. */
const BODIES: unknown[] = [
  full,
  { status: 'healthy' },
  { status: 'degraded', cpu_percent: 0 },
  { status: 'failed', cpu_percent: 100, memory_percent: -0, temperature: -60 },
  { status: 'healthy', temperature: 150, containers_running: 10000, containers_failed: 0 },
  { status: 'healthy', current_commit_hash: 'x'.repeat(64) },
  { status: 'healthy', current_commit_hash: 'x'.repeat(65) },
  { status: 'healthy', current_commit_hash: '' },
  { status: 'healthy', current_commit_hash: '\ufe0f' },
  { status: 'healthy', current_commit_hash: '😀'.repeat(40) },
  { status: 'healthy', current_commit_hash: 42 },
  { status: 'healthy', cpu_percent: null },
  { status: 'healthy', cpu_percent: undefined },
  { status: 'healthy', cpu_percent: 100.01 },
  { status: 'healthy', cpu_percent: -0.01 },
  { status: 'healthy', cpu_percent: Number.NaN },
  { status: 'healthy', cpu_percent: Number.POSITIVE_INFINITY },
  { status: 'healthy', cpu_percent: '12' },
  { status: 'healthy', temperature: 150.5 },
  { status: 'healthy', temperature: -61 },
  { status: 'healthy', containers_running: 1.5 },
  { status: 'healthy', containers_running: -1 },
  { status: 'healthy', containers_failed: 10001 },
  { status: 'healthy', containers_failed: '1' },
  { status: 'offline' },
  { status: 'HEALTHY' },
  { status: null },
  { cpu_percent: 12 },
  {},
  { status: 'healthy', sneaky: true },
  { status: 'sleepy', cpu_percent: 'high', containers_running: 1.5, sneaky: true },
  [],
  null,
  undefined,
  'healthy',
  42,
  Object.assign(Object.create({ inherited: 1 }) as object, { status: 'healthy' }),
];

async function outcome(run: () => unknown): Promise<{ value?: unknown; error?: { code: string; details: unknown } }> {
  try {
    const value = await run();
    return { value: JSON.parse(JSON.stringify(value)) as unknown };
  } catch (e) {
    if (!(e instanceof ProctorError)) throw e;
    return { error: { code: e.code, details: e.details } };
  }
}

describe('isPlainlyValidHeartbeat', () => {
  it('takes the heartbeats devices send', () => {
    expect(isPlainlyValidHeartbeat(full)).toBe(true);
    expect(isPlainlyValidHeartbeat({ status: 'degraded', cpu_percent: 71.5, temperature: 61.2, containers_running: 3 })).toBe(true);
    expect(isPlainlyValidHeartbeat({ status: 'healthy' })).toBe(true);
  });

  it('never takes a body that HeartbeatRequest refuses', async () => {
    const validation = createValidationPipe();
    for (const body of BODIES) {
      if (!isPlainlyValidHeartbeat(body)) continue;
      const { error } = await outcome(() => validation.transform(body, { type: 'body', metatype: HeartbeatRequest, data: undefined }));
      expect({ body, error }).toEqual({ body, error: undefined });
    }
  });
});

describe('HeartbeatBodyPipe', () => {
  const pipe = new HeartbeatBodyPipe();
  const validation = createValidationPipe();

  it('answers every body exactly as the ValidationPipe does: the same value, or the same refusal', async () => {
    for (const body of BODIES) {
      const expected = await outcome(() => validation.transform(body, { type: 'body', metatype: HeartbeatRequest, data: undefined }));
      expect({ body, got: await outcome(() => pipe.transform(body)) }).toEqual({ body, got: expected });
    }
  });

  it('gives a HeartbeatRequest on the fast path too', () => {
    const value = pipe.transform({ ...full });
    expect(value).toBeInstanceOf(HeartbeatRequest);
    expect(value).toEqual(Object.assign(new HeartbeatRequest(), full));
  });

  it('is the only validation of the heartbeat body: the route declares a type the global ValidationPipe passes through', () => {
    const types = Reflect.getMetadata('design:paramtypes', DeviceRoutes.prototype, 'heartbeat') as unknown[];
    expect(types[2]).toBe(Object);
  });
});
