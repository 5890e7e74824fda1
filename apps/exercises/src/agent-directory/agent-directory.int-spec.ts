import { AgentCreatedEvent, AgentDeletedEvent, AgentsEvent } from '@proctor/contracts';
import { MessageHeader } from '@proctor/messaging';
import { expectEventually, serviceTest, TEST_AMQP_URL } from '@proctor/testing';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { EXERCISES_SERVICE } from '../exercises.service-definition';
import { AGENT_DIRECTORY_CONSUMER } from './agent-directory.service';

interface DirectoryRow {
  agent_id: string;
  name: string;
  labels: Record<string, string>;
  deleted_at: Date | null;
}

/**
 * The agent directory fed by real `agents.*` events on the broker, published as the agents
 * service's outbox relay publishes them (persistent, with a message id).
 */
describe('exercises agent directory from agents events (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(EXERCISES_SERVICE, { rpc: false });
  const { names } = ctx;
  let connection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;

  async function publish(routingKey: string, payload: unknown, messageId: string = randomUUID()): Promise<string> {
    channel.publish(names.eventsExchange, routingKey, Buffer.from(JSON.stringify(payload)), {
      messageId,
      persistent: true,
      contentType: 'application/json',
    });
    await channel.waitForConfirms();
    return messageId;
  }

  async function directoryRow(agentId: string): Promise<DirectoryRow | undefined> {
    const [row] = await ctx.db.query<DirectoryRow>('SELECT agent_id, name, labels, deleted_at FROM exercises.agent_directory WHERE agent_id = $1', [agentId]);
    return row;
  }

  /** Deliveries the service has finished with outcome `ok`, from its own metrics. */
  async function handledOk(routingKey: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${ctx.service.port}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('proctor_events_consumed_total{') && l.includes(`pattern="${routingKey}"`) && l.includes('outcome="ok"'));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  function created(agentId: string, name: string, labels: Record<string, string> = {}): AgentCreatedEvent {
    return { agent_id: agentId, name, labels };
  }

  beforeAll(async () => {
    connection = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
    channel = await connection.createConfirmChannel();
  });

  afterAll(async () => {
    await connection?.close();
  });

  it('adds an agent to the directory when agents.agent.created arrives', async () => {
    const agentId = randomUUID();
    await publish(AgentsEvent.Created, created(agentId, 'lab-a1', { rack: '3' }));
    await expectEventually(async () => expect(await directoryRow(agentId)).toEqual({ agent_id: agentId, name: 'lab-a1', labels: { rack: '3' }, deleted_at: null }));
  });

  it('applies a message id once: a redelivery with a changed payload does not overwrite', async () => {
    const agentId = randomUUID();
    const messageId = await publish(AgentsEvent.Created, created(agentId, 'lab-once', { rack: '1' }));
    await expectEventually(async () => expect(await directoryRow(agentId)).toMatchObject({ name: 'lab-once' }));
    const before = await handledOk(AgentsEvent.Created);
    await publish(AgentsEvent.Created, created(agentId, 'lab-changed', { rack: '2' }), messageId);
    await expectEventually(async () => expect(await handledOk(AgentsEvent.Created)).toBe(before + 1));
    expect(await directoryRow(agentId)).toMatchObject({ name: 'lab-once', labels: { rack: '1' } });
    const inbox = await ctx.db.query('SELECT consumer FROM exercises.inbox WHERE message_id = $1', [messageId]);
    expect(inbox).toEqual([{ consumer: AGENT_DIRECTORY_CONSUMER }]);
  });

  it('marks a deleted agent, and a late created event does not bring it back', async () => {
    const agentId = randomUUID();
    await publish(AgentsEvent.Created, created(agentId, 'lab-gone'));
    await expectEventually(async () => expect(await directoryRow(agentId)).toBeDefined());
    const deleted: AgentDeletedEvent = { agent_id: agentId, name: 'lab-gone' };
    await publish(AgentsEvent.Deleted, deleted);
    await expectEventually(async () => expect((await directoryRow(agentId))?.deleted_at).toBeInstanceOf(Date));
    const before = await handledOk(AgentsEvent.Created);
    await publish(AgentsEvent.Created, created(agentId, 'lab-gone'));
    await expectEventually(async () => expect(await handledOk(AgentsEvent.Created)).toBe(before + 1));
    expect((await directoryRow(agentId))?.deleted_at).toBeInstanceOf(Date);
  });

  it('dead-letters an invalid event with its reason and goes on with the next', async () => {
    const badId = await publish(AgentsEvent.Created, { agent_id: 'not-a-uuid', name: 'lab-bad', labels: {} });
    const goodAgent = randomUUID();
    await publish(AgentsEvent.Created, created(goodAgent, 'lab-after-bad'));
    const dead = await expectEventually(async () => {
      const message = await channel.get(names.deadQueue(names.eventsQueue('exercises')), { noAck: true });
      expect(message).not.toBe(false);
      return message as amqp.GetMessage;
    });
    expect(dead.properties.messageId).toBe(badId);
    expect(String(dead.properties.headers?.[MessageHeader.DeadReason])).toContain('agent_id');
    expect(JSON.parse(dead.content.toString('utf8'))).toMatchObject({ agent_id: 'not-a-uuid' });
    await expectEventually(async () => expect(await directoryRow(goodAgent)).toMatchObject({ name: 'lab-after-bad' }));
    expect(await ctx.db.query(`SELECT 1 FROM exercises.agent_directory WHERE name = 'lab-bad'`)).toEqual([]);
  });
});
