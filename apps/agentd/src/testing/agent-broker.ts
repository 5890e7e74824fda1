import { JobLogMessage, JobReport, TaskReport } from '@proctor/contracts';
import { BrokerNames, declareDurableQueue, declareExchanges } from '@proctor/messaging';
import { deleteBrokerNames, TEST_AMQP_URL } from '@proctor/testing';
import * as amqp from 'amqplib';
import { DaemonCommand } from '../commands/agent-command';

/** A report as the exercises service would receive it from `proctor.reports`. */
export interface ReceivedReport {
  kind: TaskReport | JobReport;
  body: Record<string, unknown>;
  messageId: string | undefined;
  agentIdHeader: unknown;
  persistent: boolean;
  at: number;
}

/** A log chunk as the jobs service would receive it from `proctor.logs`. */
export interface ReceivedLogChunk {
  routingKey: string;
  body: JobLogMessage;
  messageId: string | undefined;
  agentIdHeader: unknown;
  persistent: boolean;
}

/**
 * The broker side of an agent as the services set it up, in a test namespace: the exchanges, the
 * agent's work queue (declared and bound as the agents service does at registration), queues that
 * record every report and every job log chunk, and a way to send commands as the exercises and jobs
 * dispatchers do.
 */
export class AgentBroker {
  readonly reports: ReceivedReport[] = [];
  readonly logs: ReceivedLogChunk[] = [];
  readonly queue: string;
  private connection?: amqp.ChannelModel;
  private channel?: amqp.ConfirmChannel;

  constructor(
    readonly names: BrokerNames,
    private readonly agentId: string,
  ) {
    this.queue = names.agentQueue(agentId);
  }

  async start(): Promise<void> {
    this.connection = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
    this.channel = await this.connection.createConfirmChannel();
    await declareExchanges(this.channel, this.names);
    await declareDurableQueue(this.channel, this.names, this.queue, 5);
    await this.channel.bindQueue(this.queue, this.names.agentsExchange, this.agentId);
    const { queue } = await this.channel.assertQueue('', { exclusive: true });
    await this.channel.bindQueue(queue, this.names.reportsExchange, '#');
    await this.channel.consume(queue, (msg) => {
      if (!msg) return;
      this.reports.push({
        kind: msg.fields.routingKey as TaskReport,
        body: JSON.parse(msg.content.toString('utf8')) as Record<string, unknown>,
        messageId: msg.properties.messageId as string | undefined,
        agentIdHeader: msg.properties.headers?.['x-agent-id'],
        persistent: msg.properties.deliveryMode === 2,
        at: Date.now(),
      });
    }, { noAck: true });
    const logs = await this.channel.assertQueue('', { exclusive: true });
    await this.channel.bindQueue(logs.queue, this.names.logsExchange, 'job.#');
    await this.channel.consume(logs.queue, (msg) => {
      if (!msg) return;
      this.logs.push({
        routingKey: msg.fields.routingKey,
        body: JSON.parse(msg.content.toString('utf8')) as JobLogMessage,
        messageId: msg.properties.messageId as string | undefined,
        agentIdHeader: msg.properties.headers?.['x-agent-id'],
        persistent: msg.properties.deliveryMode === 2,
      });
    }, { noAck: true });
  }

  async send(command: DaemonCommand): Promise<void> {
    const channel = this.channel;
    if (!channel) throw new Error('not started');
    channel.publish(this.names.agentsExchange, this.agentId, Buffer.from(JSON.stringify(command)), { persistent: true, mandatory: true, contentType: 'application/json' });
    await channel.waitForConfirms();
  }

  /** A body as is, for what the contract does not allow. */
  async sendRaw(body: string): Promise<void> {
    const channel = this.channel;
    if (!channel) throw new Error('not started');
    channel.publish(this.names.agentsExchange, this.agentId, Buffer.from(body), { persistent: true, mandatory: true });
    await channel.waitForConfirms();
  }

  async deadLetters(): Promise<number> {
    const channel = this.channel;
    if (!channel) throw new Error('not started');
    return (await channel.checkQueue(this.names.deadQueue(this.queue))).messageCount;
  }

  /** Messages ready on the agent queue (neither delivered nor held unacked by a live consumer). */
  async readyCommands(): Promise<number> {
    const channel = this.channel;
    if (!channel) throw new Error('not started');
    return (await channel.checkQueue(this.queue)).messageCount;
  }

  reportsOf(taskId: string): ReceivedReport[] {
    return this.reports.filter((r) => r.body.task_id === taskId);
  }

  jobReportsOf(jobId: string): ReceivedReport[] {
    return this.reports.filter((r) => r.body.job_id === jobId);
  }

  /** The chunks of one job attempt, as received (not sorted). */
  logsOf(jobId: string, attempt = 1): JobLogMessage[] {
    return this.logs.filter((l) => l.body.job_id === jobId && l.body.attempt === attempt).map((l) => l.body);
  }

  async stop(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
    const n = this.names;
    await deleteBrokerNames(
      [this.queue, n.deadQueue(this.queue), n.unroutedQueue],
      [n.rpcExchange, n.eventsExchange, n.unroutedExchange, n.deadLetterExchange, n.agentsExchange, n.hostsExchange, n.reportsExchange, n.logsExchange],
    );
  }
}
