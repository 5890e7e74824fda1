import { Injectable } from '@nestjs/common';
import { RequestContext } from '@proctor/observability';
import { AmqpConnection } from '../connection/amqp-connection';
import { MessageHeader } from '../rpc/rpc-wire';
import { BrokerNames } from '../topology/broker-names';
import { declareExchanges } from '../topology/declare-topology';
import { ConfirmPublisher } from './confirm-publisher';

/** What goes on an agent's queue: a JSON body named by its `command` (also the AMQP `type`). */
export interface AgentCommandBody {
  command: string;
}

/**
 * Puts commands on an agent's queue (`proctor.agents`, routing key = agent id): persistent,
 * mandatory and confirmed. A publish that no queue takes (the agent never registered, so its queue
 * `agent.<id>` does not exist) fails with PublishError `unroutable` instead of vanishing. Generic
 * over the commands a service sends (tasks for exercises, jobs for jobs).
 */
@Injectable()
export class AgentCommandPublisher<C extends AgentCommandBody = AgentCommandBody> {
  private readonly publisher: ConfirmPublisher;
  private started?: Promise<void>;

  constructor(
    connection: AmqpConnection,
    private readonly names: BrokerNames,
  ) {
    this.publisher = new ConfirmPublisher(connection, (channel) => declareExchanges(channel, names));
  }

  /** Opens its confirm channel (again after every reconnect); idempotent, so every user may call it before its first send. */
  start(): Promise<void> {
    this.started ??= this.publisher.start();
    return this.started;
  }

  /** Resolves once the broker holds the command in the agent's queue. */
  send(agentId: string, command: C): Promise<void> {
    const requestId = RequestContext.requestId();
    return this.publisher.publish(this.names.agentsExchange, agentId, Buffer.from(JSON.stringify(command)), {
      persistent: true,
      contentType: 'application/json',
      type: command.command,
      headers: requestId ? { [MessageHeader.RequestId]: requestId } : {},
    });
  }
}
