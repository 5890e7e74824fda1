/**
 * Every exchange and queue name of DESIGN.md's messaging topology, under an optional namespace
 * prefix so that parallel test runs and several installations can share one broker.
 */
export class BrokerNames {
  constructor(readonly namespace = '') {}

  private named(name: string): string {
    return this.namespace ? `${this.namespace}.${name}` : name;
  }

  get rpcExchange(): string {
    return this.named('proctor.rpc');
  }
  get eventsExchange(): string {
    return this.named('proctor.events');
  }
  /** Where events that no queue is bound for are kept, instead of vanishing. */
  get unroutedExchange(): string {
    return this.named('proctor.events.unrouted');
  }
  get unroutedQueue(): string {
    return this.named('proctor.events.unrouted');
  }
  get deadLetterExchange(): string {
    return this.named('proctor.dlx');
  }
  get agentsExchange(): string {
    return this.named('proctor.agents');
  }
  get hostsExchange(): string {
    return this.named('proctor.hosts');
  }
  get reportsExchange(): string {
    return this.named('proctor.reports');
  }
  get logsExchange(): string {
    return this.named('proctor.logs');
  }

  rpcQueue(service: string): string {
    return this.named(`${service}.rpc`);
  }
  eventsQueue(service: string): string {
    return this.named(`${service}.events`);
  }
  /** A service's own work queue of one kind, e.g. `fleet.heartbeats` (reports it consumes in batches). */
  serviceQueue(service: string, purpose: string): string {
    return this.named(`${service}.${purpose}`);
  }
  deadQueue(queue: string): string {
    return `${queue}.dead`;
  }
  agentQueue(agentId: string): string {
    return this.named(`agent.${agentId}`);
  }
  hostQueue(hostId: string): string {
    return this.named(`host.${hostId}`);
  }
}
