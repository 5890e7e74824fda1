import { AGENT_ID_HEADER, AgentCommand, TaskReport } from '@proctor/contracts';
import { BrokerNames, declareDurableQueue } from '@proctor/messaging';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export interface ReceivedCommand {
  command: AgentCommand;
  /** `performance.now()` when the delivery reached the consumer. */
  at: number;
}

/**
 * Plays an agent daemon on the real broker, for integration tests: its queue `agent.<id>` bound to
 * `proctor.agents` with its id (as the agents service declares it at registration), the commands
 * that arrive there, and reports published to `proctor.reports` with the `x-agent-id` header.
 */
export class SimulatedAgent {
  readonly received: ReceivedCommand[] = [];
  private readonly waiters: (() => void)[] = [];
  private consumerTag?: string;

  private constructor(
    readonly agentId: string,
    private readonly channel: ConfirmChannel,
    private readonly names: BrokerNames,
  ) {}

  /** An agent whose queue exists and is consumed (`withQueue: false`: one that never registered its queue). */
  static async start(connection: ChannelModel, names: BrokerNames, agentId: string = randomUUID(), withQueue = true): Promise<SimulatedAgent> {
    const channel = await connection.createConfirmChannel();
    const agent = new SimulatedAgent(agentId, channel, names);
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
      this.received.push({ command: JSON.parse(msg.content.toString('utf8')) as AgentCommand, at: performance.now() });
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

  commands(predicate: (c: AgentCommand) => boolean = () => true): AgentCommand[] {
    return this.received.map((r) => r.command).filter(predicate);
  }

  /** Waits for the first command (from `from` on) that matches, and returns it with its arrival time. */
  async next(predicate: (c: AgentCommand) => boolean, timeoutMs = 10_000, from = 0): Promise<ReceivedCommand> {
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
  async report(kind: TaskReport, payload: Record<string, unknown>, agentHeader: string = this.agentId): Promise<void> {
    this.channel.publish(this.names.reportsExchange, kind, Buffer.from(JSON.stringify(payload)), {
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

export function isRun(kind: 'iperf3_server' | 'iperf3_client', taskId?: string): (c: AgentCommand) => boolean {
  return (c) => c.command === 'run' && c.task.kind === kind && (taskId === undefined || c.task.task_id === taskId);
}
