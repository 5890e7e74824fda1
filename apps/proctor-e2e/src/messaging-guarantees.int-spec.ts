import { Controller, Injectable, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { IsBoolean, IsInt, IsOptional } from 'class-validator';
import { createMessagingTables, InboxService, OutboxWriter } from '@proctor/persistence';
import {
  createTestDatabase,
  deleteBrokerNames,
  expectEventually,
  namespaceBrokerNames,
  RunningService,
  startService,
  TcpProxy,
  TEST_AMQP_URL,
  TestDatabase,
  testNamespace,
} from '@proctor/testing';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { AmqpContext, BrokerNames, ServiceDefinition } from '@proctor/messaging';

/** A tiny service that consumes its own `probe.thing.happened` events into a table. */
class ThingHappened {
  @IsInt()
  n: number;

  @IsOptional()
  @IsBoolean()
  fail?: boolean;
}

@Injectable()
class ThingRecorder {
  constructor(private readonly inbox: InboxService) {}

  async record(messageId: string, event: ThingHappened): Promise<void> {
    if (event.fail) throw new Error(`thing ${event.n} cannot be recorded`);
    await this.inbox.once(messageId, 'probe.recorder', async (manager) => {
      await manager.query('INSERT INTO things (message_id, n) VALUES ($1, $2)', [messageId, event.n]);
    });
  }
}

@Controller()
class ThingEventController {
  constructor(private readonly recorder: ThingRecorder) {}

  @EventPattern('probe.thing.happened')
  onThing(@Payload() event: ThingHappened, @Ctx() ctx: AmqpContext) {
    return this.recorder.record(ctx.messageId, event);
  }
}

@Module({ controllers: [ThingEventController], providers: [ThingRecorder] })
class ThingModule {}

class CreateThings1700000000000 implements MigrationInterface {
  name = 'CreateThings1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE things (message_id text NOT NULL, n int NOT NULL)');
    await createMessagingTables(q);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE things');
  }
}

const PROBE: ServiceDefinition = {
  service: 'probe',
  defaultPort: 0,
  entities: [],
  migrations: [CreateThings1700000000000],
  domainModules: () => [ThingModule],
};

describe('messaging: outbox, consumers, retries and dead letters (real Postgres and RabbitMQ)', () => {
  const namespace = testNamespace();
  const names = new BrokerNames(namespace);
  let db: TestDatabase;
  let proxy: TcpProxy;
  let service: RunningService;
  let broker: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;

  const publish = async (body: object, messageId = randomUUID()) => {
    channel.publish(names.eventsExchange, 'probe.thing.happened', Buffer.from(JSON.stringify(body)), { messageId, persistent: true });
    await channel.waitForConfirms();
    return messageId;
  };
  const recorded = async () => (await db.query<{ n: number }>('SELECT n FROM probe.things ORDER BY n')).map((r) => r.n);
  const writeEvents = async (ns: number[]) => {
    const dataSource = service.app.get(DataSource);
    const outbox = service.app.get(OutboxWriter);
    await dataSource.transaction(async (manager) => {
      for (const n of ns) await outbox.add(manager, 'probe.thing.happened', { n });
    });
  };

  beforeAll(async () => {
    db = await createTestDatabase(['probe']);
    proxy = new TcpProxy('127.0.0.1', Number(new URL(TEST_AMQP_URL).port || 5672));
    await proxy.start();
    service = await startService(PROBE, {
      db,
      namespace,
      env: { AMQP_URL: proxy.url(TEST_AMQP_URL), EVENT_MAX_ATTEMPTS: '3', EVENT_RETRY_BASE_MS: '50' },
    });
    broker = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
    channel = await broker.createConfirmChannel();
  });

  afterAll(async () => {
    await broker?.close();
    await service?.stop();
    await proxy?.stop();
    await db?.drop();
    const n = namespaceBrokerNames(namespace, ['probe']);
    await deleteBrokerNames(n.queues, n.exchanges);
  });

  beforeEach(async () => {
    await db.query('DELETE FROM probe.things');
  });

  it('declares its events queue as a quorum queue with an explicit delivery limit', async () => {
    const ch = await broker.createChannel();
    ch.on('error', () => undefined);
    // Re-declaring with the same arguments succeeds only if they match what the service declared.
    await expect(
      ch.assertQueue(names.eventsQueue('probe'), {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-delivery-limit': 5,
          'x-dead-letter-exchange': names.deadLetterExchange,
          'x-dead-letter-routing-key': names.eventsQueue('probe'),
          'x-dead-letter-strategy': 'at-least-once',
          'x-overflow': 'reject-publish',
        },
      }),
    ).resolves.toMatchObject({ queue: names.eventsQueue('probe') });
    await ch.close();
  });

  it('delivers an event written to the outbox to a consumer, marked sent after the confirm', async () => {
    await writeEvents([1, 2, 3]);
    await expectEventually(async () => expect(await recorded()).toEqual([1, 2, 3]));
    const unsent = await db.query('SELECT id FROM probe.outbox WHERE sent_at IS NULL');
    expect(unsent).toEqual([]);
  });

  it('applies a duplicate delivery of the same message id once', async () => {
    const id = randomUUID();
    await publish({ n: 10 }, id);
    await publish({ n: 11 }, id);
    await publish({ n: 12 });
    await expectEventually(async () => expect(await recorded()).toContain(12));
    await new Promise((r) => setTimeout(r, 200));
    // Handled concurrently, either delivery may come first: exactly one of the two is applied.
    const applied = (await recorded()).filter((n) => n === 10 || n === 11);
    expect(applied).toHaveLength(1);
  });

  it('retries a failing message with backoff, then dead-letters it with the reason, while later messages flow', async () => {
    const poisonId = await publish({ n: 99, fail: true });
    for (const n of [20, 21, 22]) await publish({ n });
    // The good messages are applied while the poison one is still being retried.
    await expectEventually(async () => expect(await recorded()).toEqual([20, 21, 22]), { timeoutMs: 2000 });
    const dead = await expectEventually(
      async () => {
        const msg = await channel.get(names.deadQueue(names.eventsQueue('probe')), { noAck: true });
        if (!msg) throw new Error('nothing dead-lettered yet');
        return msg;
      },
      { timeoutMs: 10000 },
    );
    expect(dead.properties.messageId).toBe(poisonId);
    expect(String(dead.properties.headers?.['x-proctor-dead-reason'])).toBe('failed 3 times, last: internal: internal error');
    expect(dead.properties.headers?.['x-proctor-attempts']).toBe(3);
    expect(JSON.parse(dead.content.toString())).toEqual({ n: 99, fail: true });
    expect(await recorded()).not.toContain(99);
  });

  it('dead-letters a payload that fails validation on its first delivery', async () => {
    const id = await publish({ n: 'not a number' });
    const dead = await expectEventually(async () => {
      const msg = await channel.get(names.deadQueue(names.eventsQueue('probe')), { noAck: true });
      if (!msg) throw new Error('nothing dead-lettered yet');
      return msg;
    });
    expect(dead.properties.messageId).toBe(id);
    expect(dead.properties.headers?.['x-proctor-attempts']).toBe(1);
    expect(String(dead.properties.headers?.['x-proctor-dead-reason'])).toContain('n must be an integer');
  });

  it('publishes a row committed after a later one (no id > last_seen gap)', async () => {
    const dataSource = service.app.get(DataSource);
    const outbox = service.app.get(OutboxWriter);
    const slow = dataSource.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    await outbox.add(slow.manager, 'probe.thing.happened', { n: 31 }); // takes the lower id, commits last
    await writeEvents([32]);
    await expectEventually(async () => expect(await recorded()).toEqual([32]));
    await slow.commitTransaction();
    await slow.release();
    await expectEventually(async () => expect(await recorded()).toEqual([31, 32]));
  });

  // The outage: the service reaches RabbitMQ through a TCP proxy that drops every connection and
  // refuses new ones; RabbitMQ itself keeps running for the other test files.
  it('keeps events written while the broker is unreachable and delivers them once it is back', async () => {
    proxy.cut();
    await expectEventually(async () => {
      const res = await fetch(`http://127.0.0.1:${service.port}/readyz`);
      expect(res.status).toBe(503);
    });
    await writeEvents([41, 42, 43]);
    await new Promise((r) => setTimeout(r, 500));
    const waiting = await db.query('SELECT id FROM probe.outbox WHERE sent_at IS NULL');
    expect(waiting).toHaveLength(3);
    expect(await recorded()).toEqual([]);
    proxy.restore();
    await expectEventually(async () => expect(await recorded()).toEqual([41, 42, 43]), { timeoutMs: 20000 });
    expect(await db.query('SELECT id FROM probe.outbox WHERE sent_at IS NULL')).toEqual([]);
    const res = await fetch(`http://127.0.0.1:${service.port}/readyz`);
    expect(res.status).toBe(200);
  });
});
