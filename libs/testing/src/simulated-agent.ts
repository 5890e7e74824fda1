import { AGENT_ID_HEADER } from '@proctor/contracts';
import { BrokerNames, declareDurableQueue } from '@proctor/messaging';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export interface ReceivedCommand<C> {
  command: C;
  /** `performance.now()` when the delivery reached the consumer. */
  at: number;
}

/**
 * Plays an agent daemon on the real broker, for integration tests: its queue `agent.<id>` bound to
 * `proctor.agents` with its id (as the agents service declares it at registration), the commands
 * that arrive there (of type C: a service's commands), and what a daemon publishes: reports on
 * `proctor.reports` and output on `proctor.logs`, with the `x-agent-id` header, confirmed.
 */
export class SimulatedAgent<C extends { command: string } = { command: string }> {
  readonly received: ReceivedCommand<C>[] = [];
  private readonly waiters: (() => void)[] = [];
  private consumerTag?: string;

  private constructor(
    readonly agentId: string,
    private readonly channel: ConfirmChannel,
    private readonly names: BrokerNames,
  ) {}

  /** An agent whose queue exists and is consumed (`withQueue: false`: one that never registered its queue). */
  static async start<C extends { command: string } = { command: string }>(
    connection: ChannelModel,
    names: BrokerNames,
    agentId: string = randomUUID(),
    withQueue = true,
  ): Promise<SimulatedAgent<C>> {
    const channel = await connection.createConfirmChannel();
    const agent = new SimulatedAgent<C>(agentId, channel, names);
    if (withQueue) await agent.openQueue();
    return agent;
  }

  async openQueue(): Promise<void> {
    const queue = this.names.agentQueue(this.agentId);
    // As the agents service declares it at registration (a quorum queue with its `.dead`, delivery limit 5).
    await this.channel.assertExchange(this.names.agentsExchange, 'direct', { durable: true });
    await declareDurableQueue(this.channel, this.names, queue, 5);
    await this.channel.bindQueue(queue, this.names.agentsExchange, this.agentId);
    const { consumerTag } = await this.channel.consume(queue, (msg) => {
      if (!msg) return;
      this.received.push({ command: JSON.parse(msg.content.toString('utf8')) as C, at: performance.now() });
      this.channel.ack(msg);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.consumerTag = consumerTag;
  }

  /** Stops consuming (the daemon went away); what arrives meanwhile waits in its queue. */
  async pause(): Promise<void> {
    if (this.consumerTag) await this.channel.cancel(this.consumerTag);
    this.consumerTag = undefined;
  }

  commands(predicate: (c: C) => boolean = () => true): C[] {
    return this.received.map((r) => r.command).filter(predicate);
  }

  /** Waits for the first command (from `from` on) that matches, and returns it with its arrival time. */
  async next(predicate: (c: C) => boolean, timeoutMs = 10_000, from = 0): Promise<ReceivedCommand<C>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(from).find((r) => predicate(r.command));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`agent ${this.agentId}: no matching command within ${timeoutMs} ms; got ${JSON.stringify(this.commands())}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Publishes a report as the daemon does: persistent, with a message id and the agent header, confirmed. */
  report(routingKey: string, payload: object, agentHeader: string = this.agentId): Promise<void> {
    return this.publish(this.names.reportsExchange, routingKey, payload, agentHeader);
  }

  /** Publishes output as the daemon does, on `proctor.logs`. */
  log(routingKey: string, payload: object): Promise<void> {
    return this.publish(this.names.logsExchange, routingKey, payload, this.agentId);
  }

  private async publish(exchange: string, routingKey: string, payload: object, agentHeader: string): Promise<void> {
    this.channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(payload)), {
      persistent: true,
      contentType: 'application/json',
      messageId: randomUUID(),
      headers: { [AGENT_ID_HEADER]: agentHeader },
    });
    await this.channel.waitForConfirms();
  }

  async close(): Promise<void> {
    await this.channel.deleteQueue(this.names.agentQueue(this.agentId)).catch(() => undefined);
    await this.channel.deleteQueue(this.names.deadQueue(this.names.agentQueue(this.agentId))).catch(() => undefined);
    await this.channel.close().catch(() => undefined);
  }
}
