import { JobLogMessage } from '@proctor/contracts';
import { ConfirmPublisher } from '@proctor/messaging';
import { JsonLogger } from '@proctor/observability';
import { JobLogPublisher } from './job-log-publisher';

/**
 * The ordering and backlog rules of one run's log chunks, with a publisher that confirms or refuses
 * on command (the confirmed flow itself runs against the real broker in job-runner.int-spec.ts).
 */
describe('JobLogPublisher', () => {
  const job = { job_id: '0b6c1f5e-8d2a-4e3b-9c7d-6a5b4c3d2e1f', attempt: 2 };
  let confirmed: JobLogMessage[];
  let refusing: boolean;
  let pressure: boolean[];

  const publisherOf = (): JobLogPublisher => {
    const publisher = {
      publish: (_exchange: string, _key: string, body: Buffer) => {
        if (refusing) return Promise.reject(new Error('not connected to the broker'));
        confirmed.push(JSON.parse(body.toString('utf8')) as JobLogMessage);
        return Promise.resolve();
      },
    } as unknown as ConfirmPublisher;
    return new JobLogPublisher({
      job,
      agentId: 'agent-1',
      publisher,
      exchange: 'proctor.logs',
      logger: new JsonLogger('agentd', 'error', () => undefined),
      confirmTimeoutMs: 1000,
      maxBufferedBytes: 10,
      onPressure: (paused) => pressure.push(paused),
      onPublished: () => undefined,
    });
  };

  beforeEach(() => {
    confirmed = [];
    refusing = false;
    pressure = [];
  });

  it('numbers chunks 1, 2, 3... and publishes them in that order', async () => {
    const logs = publisherOf();
    for (const data of ['a\n', 'b\n', 'c\n']) logs.add(data);
    expect(await logs.flush()).toBe(true);
    expect(confirmed.map((c) => [c.seq, c.data, c.attempt])).toEqual([
      [1, 'a\n', 2],
      [2, 'b\n', 2],
      [3, 'c\n', 2],
    ]);
    expect(logs.lastSeq).toBe(3);
  });

  it('keeps chunks the broker does not take, in order, pauses the output above its bound and resumes at half', async () => {
    const logs = publisherOf();
    refusing = true;
    logs.add('12345');
    logs.add('67890');
    expect(pressure).toEqual([]);
    logs.add('x');
    expect(pressure).toEqual([true]);
    expect(await logs.flush(300)).toBe(false);
    refusing = false;
    expect(await logs.flush(5000)).toBe(true);
    expect(confirmed.map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(pressure).toEqual([true, false]);
  });

  it('gives up on what is left when abandoned', async () => {
    const logs = publisherOf();
    refusing = true;
    logs.add('lost');
    logs.abandon();
    expect(await logs.flush(1000)).toBe(false);
    expect(confirmed).toEqual([]);
  });
});
