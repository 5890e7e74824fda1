import { Injectable } from '@nestjs/common';
import { AmqpConnection, BrokerNames, declareDurableQueue, declareExchanges } from '@proctor/messaging';

/**
 * Deliveries of one command to an agent before it goes to `agent.<id>.dead`: the daemon acks a
 * command when it accepts it, so a command delivered this often has crashed the daemon each time.
 */
export const AGENT_QUEUE_DELIVERY_LIMIT = 5;

/**
 * An agent's work queue `agent.<id>`: a durable quorum queue with its `.dead` queue, bound to
 * `proctor.agents` with the agent id. Declared when the daemon registers (idempotent: the same
 * arguments every time), deleted with the agent. Each call uses a short-lived channel of the
 * service's connection.
 */
@Injectable()
export class AgentQueue {
  constructor(
    private readonly connection: AmqpConnection,
    private readonly names: BrokerNames,
  ) {}

  nameOf(agentId: string): string {
    return this.names.agentQueue(agentId);
  }

  async declare(agentId: string): Promise<string> {
    const queue = this.nameOf(agentId);
    await this.connection.withChannel(async (channel) => {
      await declareExchanges(channel, this.names);
      await declareDurableQueue(channel, this.names, queue, AGENT_QUEUE_DELIVERY_LIMIT);
      await channel.bindQueue(queue, this.names.agentsExchange, agentId);
    });
    return queue;
  }

  /** Deletes the queue and its dead letters (a daemon still consuming it is cancelled by the broker). */
  async delete(agentId: string): Promise<void> {
    const queue = this.nameOf(agentId);
    await this.connection.withChannel(async (channel) => {
      await channel.deleteQueue(queue);
      await channel.deleteQueue(this.names.deadQueue(queue));
    });
  }
}
