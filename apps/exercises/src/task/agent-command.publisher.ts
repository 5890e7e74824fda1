import { Injectable } from '@nestjs/common';
import { AgentCommand } from '@proctor/contracts';
import { AmqpConnection, BrokerNames, ConfirmPublisher, declareExchanges, MessageHeader } from '@proctor/messaging';
import { RequestContext } from '@proctor/observability';

/**
 * Puts commands on an agent's queue (`proctor.agents`, routing key = agent id): persistent,
 * mandatory and confirmed. A publish that no queue takes (the agent never registered, so its queue
 * `agent.<id>` does not exist) fails with PublishError `unroutable` instead of vanishing.
 */
@Injectable()
export class AgentCommandPublisher {
  private readonly publisher: ConfirmPublisher;

  constructor(
    connection: AmqpConnection,
    private readonly names: BrokerNames,
  ) {
    this.publisher = new ConfirmPublisher(connection, (channel) => declareExchanges(channel, names));
  }

  /** Opens its confirm channel (again after every reconnect); called once, by the dispatcher before its first cycle. */
  async start(): Promise<void> {
    await this.publisher.start();
  }

  /** Resolves once the broker holds the command in the agent's queue. */
  send(agentId: string, command: AgentCommand): Promise<void> {
    const requestId = RequestContext.requestId();
    return this.publisher.publish(this.names.agentsExchange, agentId, Buffer.from(JSON.stringify(command)), {
      persistent: true,
      contentType: 'application/json',
      type: command.command,
      headers: requestId ? { [MessageHeader.RequestId]: requestId } : {},
    });
  }
}
