import { Logger } from '@nestjs/common';
import { DEFAULT_AMQP_URL } from '@proctor/config';
import * as amqp from 'amqplib';
import { IsBoolean, IsInt, IsOptional } from 'class-validator';
import { randomBytes, randomUUID } from 'node:crypto';
import { AmqpConnection } from '../connection/amqp-connection';
import { BrokerNames } from '../topology/broker-names';
import { BatchConsumer, BatchConsumerOptions, BatchItem } from './batch-consumer';

const AMQP_URL = process.env.AMQP_URL ?? DEFAULT_AMQP_URL;

class Probe {
  @IsInt()
  n: number;

  @IsOptional()
  @IsBoolean()
  poison?: boolean;
}

class TransientError extends Error {}

/** Waits until `check` holds, polling: for what a consumer does asynchronously. */
async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('BatchConsumer (real RabbitMQ)', () => {
  const names = new BrokerNames(`t${randomBytes(4).toString('hex')}`);
  const routingKey = 'probe.reported';
  let broker: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;
  let connection: AmqpConnection;
  const queues: string[] = [];
  let consumer: BatchConsumer<Probe> | undefined;

  const start = async (queue: string, options: Partial<BatchConsumerOptions<Probe>> & Pick<BatchConsumerOptions<Probe>, 'handler'>) => {
    queues.push(queue, names.deadQueue(queue));
    consumer = new BatchConsumer<Probe>({
      connection,
      names,
      queue,
      bindings: [{ exchange: names.reportsExchange, routingKey: `${queue}.${routingKey}` }],
      prefetch: 20,
      maxBatch: 10,
      maxWaitMs: 20,
      payloadClass: Probe,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
      ...options,
    });
    await consumer.start();
    return consumer;
  };
  const publish = async (queue: string, bodies: object[]) => {
    for (const body of bodies) {
      channel.publish(names.reportsExchange, `${queue}.${routingKey}`, Buffer.from(JSON.stringify(body)), { messageId: randomUUID(), persistent: true, mandatory: true });
    }
    await channel.waitForConfirms();
  };
  const drain = async (queue: string) => {
    const found: { body: unknown; headers: Record<string, unknown> }[] = [];
    for (let msg = await channel.get(queue, { noAck: true }); msg; msg = await channel.get(queue, { noAck: true })) {
      found.push({ body: JSON.parse(msg.content.toString()), headers: (msg.properties.headers ?? {}) as Record<string, unknown> });
    }
    return found;
  };
  const waiting = async (queue: string) => {
    const check = await broker.createChannel();
    const { messageCount } = await check.checkQueue(queue);
    await check.close();
    return messageCount;
  };
  const ns = (items: BatchItem<Probe>[]) => items.map((i) => i.payload.n);

  beforeAll(async () => {
    // Failures are the point of several tests here: keep their warnings out of the output.
    Logger.overrideLogger(false);
    broker = await amqp.connect(AMQP_URL, { noDelay: true });
    channel = await broker.createConfirmChannel();
    connection = new AmqpConnection({ url: AMQP_URL, name: 'batch-consumer-test' });
    await connection.connect();
  });

  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
  });

  afterAll(async () => {
    await connection.close();
    for (const queue of queues) await channel.deleteQueue(queue).catch(() => undefined);
    for (const exchange of [names.rpcExchange, names.eventsExchange, names.unroutedExchange, names.deadLetterExchange, names.agentsExchange, names.hostsExchange, names.reportsExchange, names.logsExchange]) {
      await channel.deleteExchange(exchange).catch(() => undefined);
    }
    await channel.deleteQueue(names.unroutedQueue).catch(() => undefined);
    await broker.close();
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']);
  });

  it('hands over every message once, in batches no larger than maxBatch, and acks them', async () => {
    const queue = names.serviceQueue('probe', 'batches');
    const batches: number[][] = [];
    await start(queue, { handler: async (items) => void batches.push(ns(items)) });
    await publish(queue, Array.from({ length: 45 }, (_, n) => ({ n })));
    await until(() => batches.flat().length === 45);
    expect(batches.flat()).toEqual(Array.from({ length: 45 }, (_, n) => n));
    expect(batches.every((b) => b.length <= 10)).toBe(true);
    await until(async () => (await waiting(queue)) === 0);
  });

  it('lets a batch that falls due during a flush go on filling, rather than queue small batches behind it', async () => {
    const queue = names.serviceQueue('probe', 'grow');
    const batches: number[][] = [];
    let releaseFirst: () => void = () => undefined;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    await start(queue, {
      prefetch: 60,
      maxBatch: 30,
      maxWaitMs: 5,
      handler: async (items) => {
        batches.push(ns(items));
        if (batches.length === 1) await firstHeld;
      },
    });
    await publish(queue, [{ n: 0 }]);
    await until(() => batches.length === 1);
    // Arriving over ~50 ms, ten times maxWaitMs, while the first flush is held.
    for (let n = 1; n <= 20; n++) {
      await publish(queue, [{ n }]);
      await new Promise((r) => setTimeout(r, 2));
    }
    releaseFirst();
    await until(() => batches.flat().length === 21);
    expect(batches).toEqual([[0], Array.from({ length: 20 }, (_, i) => i + 1)]);
  });

  it('counts the items a message carries against maxBatch, and parks a refused part alone while the rest counts as done', async () => {
    const queue = names.serviceQueue('probe', 'parts');
    const batches: number[][] = [];
    const multi = new BatchConsumer<Probe[]>({
      connection,
      names,
      queue,
      bindings: [{ exchange: names.reportsExchange, routingKey: `${queue}.${routingKey}` }],
      prefetch: 20,
      maxBatch: 4,
      maxWaitMs: 20,
      payloadCheck: (plain) => ({ ok: true, payload: plain as Probe[] }),
      itemsOf: (probes) => probes.length,
      handler: async (items) => {
        batches.push(items.flatMap((i) => i.payload.map((p) => p.n)));
        const rejected = items.flatMap((i) =>
          i.payload.filter((p) => p.poison).map((p) => ({ messageId: i.messageId, reason: 'poisoned', part: { messageId: `part-${p.n}`, content: Buffer.from(JSON.stringify(p)) } })),
        );
        return { rejected };
      },
    });
    queues.push(queue, names.deadQueue(queue));
    await multi.start();
    try {
      for (const body of [[{ n: 0 }, { n: 1 }, { n: 2 }], [{ n: 3 }, { n: 4, poison: true }], [{ n: 5 }]]) {
        channel.publish(names.reportsExchange, `${queue}.${routingKey}`, Buffer.from(JSON.stringify(body)), { messageId: randomUUID(), persistent: true, mandatory: true });
      }
      await channel.waitForConfirms();
      await until(() => batches.flat().length === 6);
      expect(batches).toEqual([[0, 1, 2], [3, 4, 5]]);
      await until(async () => (await waiting(queue)) === 0);
      const dead = await drain(names.deadQueue(queue));
      expect(dead).toEqual([{ body: { n: 4, poison: true }, headers: expect.objectContaining({ 'x-proctor-dead-reason': 'poisoned' }) }]);
    } finally {
      await multi.stop();
    }
  });

  it('dead-letters an invalid payload at once, with the reason, and a message the handler rejects', async () => {
    const queue = names.serviceQueue('probe', 'invalid');
    const handled: number[] = [];
    await start(queue, {
      handler: async (items) => {
        handled.push(...ns(items));
        return { rejected: items.filter((i) => i.payload.n === 7).map((i) => ({ messageId: i.messageId, reason: 'seven is refused' })) };
      },
    });
    await publish(queue, [{ n: 1 }, { n: 'two' }, { n: 7 }, { n: 3 }]);
    await until(async () => handled.length === 3 && (await waiting(names.deadQueue(queue))) === 2);
    const dead = await drain(names.deadQueue(queue));
    expect(dead.map((d) => [d.body, d.headers['x-proctor-dead-reason'], d.headers['x-proctor-original-routing-key']])).toEqual([
      [{ n: 'two' }, 'invalid payload: {"n":["n must be an integer number"]}', `${queue}.${routingKey}`],
      [{ n: 7 }, 'seven is refused', `${queue}.${routingKey}`],
    ]);
  });

  it('isolates a poison message: the others of its batch succeed, it alone goes to .dead after its last attempt', async () => {
    const queue = names.serviceQueue('probe', 'poison');
    const applied: number[] = [];
    const batchSizes: number[] = [];
    await start(queue, {
      maxWaitMs: 100,
      handler: async (items) => {
        batchSizes.push(items.length);
        if (items.some((i) => i.payload.poison)) throw new Error('cannot apply a poisoned probe');
        applied.push(...ns(items));
      },
    });
    await publish(queue, [{ n: 1 }, { n: 2 }, { n: 3, poison: true }, { n: 4 }, { n: 5 }]);
    await until(async () => (await waiting(names.deadQueue(queue))) === 1);
    expect(applied.sort()).toEqual([1, 2, 4, 5]);
    const [dead] = await drain(names.deadQueue(queue));
    expect(dead.body).toEqual({ n: 3, poison: true });
    expect(dead.headers['x-proctor-dead-reason']).toBe('failed 3 times, last: cannot apply a poisoned probe');
    expect(dead.headers['x-proctor-attempts']).toBe(3);
    // The first batch failed whole; after that, each suspect was retried alone.
    expect(batchSizes.slice(1).every((size) => size === 1)).toBe(true);
  });

  it('holds a batch through transient failures, retrying it in place: nothing redelivered, nothing dead', async () => {
    const queue = names.serviceQueue('probe', 'transient');
    let failures = 0;
    const seen: number[][] = [];
    await start(queue, {
      maxWaitMs: 50,
      isTransient: (e) => e instanceof TransientError,
      handler: async (items) => {
        seen.push(ns(items));
        if (failures++ < 3) throw new TransientError('database unreachable');
      },
    });
    await publish(queue, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await until(() => seen.length === 4);
    expect(seen).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    await until(async () => (await waiting(queue)) === 0);
    expect(await waiting(names.deadQueue(queue))).toBe(0);
  });

  it('stops gracefully: no new deliveries, the batch under way committed and acked, the rest back in the queue', async () => {
    const queue = names.serviceQueue('probe', 'stop');
    const applied: number[] = [];
    let started = false;
    const running = await start(queue, {
      maxBatch: 5,
      prefetch: 5,
      handler: async (items) => {
        started = true;
        await new Promise((r) => setTimeout(r, 300));
        applied.push(...ns(items));
      },
    });
    await publish(queue, Array.from({ length: 12 }, (_, n) => ({ n })));
    await until(() => started);
    await running.stop();
    consumer = undefined;
    expect(applied.length).toBeGreaterThanOrEqual(5);
    expect(applied).toEqual(Array.from({ length: applied.length }, (_, n) => n));
    expect(await waiting(queue)).toBe(12 - applied.length);
  });
});
