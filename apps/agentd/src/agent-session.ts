import { AgentCapabilities, AgentRegistrationView, TaskAssignment } from '@proctor/contracts';
import { ConfirmPublisher, DaemonContext } from '@proctor/messaging';
import type Docker from 'dockerode';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerOutage } from './claims/broker-outage';
import { ClaimPoller } from './claims/claim-poller';
import { DaemonCommand } from './commands/agent-command';
import { CommandConsumer, Delivery } from './commands/command-consumer';
import { GatewayClient } from './gateway/gateway-client';
import { GatewayError } from './gateway/gateway-error';
import { HeartbeatLoop } from './heartbeat/heartbeat-loop';
import { AgentTimings } from './agent-timings';
import { JobRunnerTuning } from './jobs/job-run';
import { JobRunnerConfig } from './jobs/job-runner-config';
import { JobSupervisor } from './jobs/job-supervisor';
import { registerAgent } from './registration/agent-registration';
import { reconcileHeldTasks } from './registration/held-task-reconciliation';
import { ReportPublisher } from './reporting/report-publisher';
import { TaskSupervisor } from './tasks/task-supervisor';

export interface AgentSessionDeps {
  context: DaemonContext;
  gateway: GatewayClient;
  publisher: ConfirmPublisher;
  timings: AgentTimings;
  iperf3Binary: string;
  docker: Docker;
  jobs: JobRunnerConfig;
  jobTuning: JobRunnerTuning;
  /** The registration body less held tasks: labels, version and the capabilities found at start. */
  registrationBody: (heldTasks: { task_id: string; attempt: number }[]) => Promise<{ labels: Record<string, string>; version: string; capabilities: AgentCapabilities }>;
  /** Fresh capabilities for heartbeats. */
  probe: () => Promise<AgentCapabilities>;
}

const CONTEXT = 'Agent';

/**
 * A registered agent at work: it consumes its queue (or claims over HTTP while it cannot), runs and
 * reports its tasks, heartbeats, registers again when the server may have forgotten it, and drains.
 */
export class AgentSession {
  private readonly supervisor: TaskSupervisor;
  private readonly jobs: JobSupervisor;
  private readonly reports: ReportPublisher;
  private readonly outage: BrokerOutage;
  private readonly consumer: CommandConsumer;
  private readonly claims: ClaimPoller;
  private readonly heartbeats: HeartbeatLoop;
  private clockOffsetMs = 0;
  private newCapabilities?: AgentCapabilities;
  private capabilityTimer?: NodeJS.Timeout;
  private reRegistering?: Promise<void>;
  private readonly stopping = new AbortController();

  constructor(
    private readonly deps: AgentSessionDeps,
    registration: AgentRegistrationView,
  ) {
    const { context, gateway, timings } = deps;
    const { logger, metrics } = context;
    this.reports = new ReportPublisher({
      agentId: registration.agent_id,
      publisher: deps.publisher,
      names: context.names,
      gateway,
      logger,
      metrics,
      confirmTimeoutMs: timings.confirmTimeoutMs,
    });
    this.supervisor = new TaskSupervisor({
      reports: this.reports,
      logger,
      metrics,
      iperf3Binary: deps.iperf3Binary,
      killGraceMs: timings.killGraceMs,
      serverClockOffsetMs: () => this.clockOffsetMs,
    });
    this.jobs = new JobSupervisor({
      docker: deps.docker,
      gateway,
      reports: this.reports,
      publisher: deps.publisher,
      logsExchange: context.names.logsExchange,
      config: deps.jobs,
      tuning: deps.jobTuning,
      agentId: registration.agent_id,
      agentName: context.config.name,
      logger,
      metrics,
    });
    this.outage = new BrokerOutage(timings.brokerGraceMs, Date.now());
    this.consumer = new CommandConsumer({
      connection: context.connection,
      queue: registration.queue,
      prefetch: timings.prefetch,
      handler: (command, delivery) => this.onCommand(command, delivery),
      logger,
      onConsuming: () => this.outage.consuming(),
      onNotConsuming: () => this.outage.notConsuming(Date.now()),
      onQueueMissing: () => void this.registerAgain('its queue is missing on the broker'),
    });
    this.claims = new ClaimPoller({
      gateway,
      outage: this.outage,
      intervalMs: timings.claimIntervalMs,
      onTask: (task) => this.onClaimed(task),
      logger,
      metrics,
    });
    this.heartbeats = new HeartbeatLoop({
      gateway,
      logger,
      intervalSeconds: registration.heartbeat_interval_seconds,
      offlineAfterSeconds: registration.offline_after_seconds,
      newCapabilities: () => this.newCapabilities,
      onCapabilitiesDelivered: (sent) => {
        if (this.newCapabilities === sent) this.newCapabilities = undefined;
      },
      onServerClock: (offset) => (this.clockOffsetMs = offset),
      onBackAfterSilence: (silentMs) => void this.registerAgain(`heartbeats were not delivered for ${Math.round(silentMs / 1000)} s`),
    });
  }

  async start(): Promise<void> {
    // Before the first command: containers a crashed predecessor left are removed, and the jobs
    // service hears that nothing is held (claims wait for that answer).
    await this.jobs.start();
    await this.consumer.start();
    this.claims.start();
    this.heartbeats.start();
    this.capabilityTimer = setInterval(() => {
      this.deps.probe().then(
        (capabilities) => (this.newCapabilities = capabilities),
        (e: Error) => this.deps.context.logger.warn({ msg: 'capability probe failed', error: e.message }, CONTEXT),
      );
    }, this.deps.timings.capabilityRefreshMs);
  }

  /**
   * SIGTERM: take no more work (undelivered commands go back to the queue), let running tasks end
   * within `timeoutMs` and jobs within their own drain time, then stop them and report them (tasks
   * failed, jobs lost), deliver the reports, say goodbye.
   */
  async drain(timeoutMs: number): Promise<void> {
    const { logger } = this.deps.context;
    const jobsMs = this.deps.jobs.drainSeconds * 1000;
    logger.log({ msg: 'draining', tasks: this.supervisor.heldTasks(), jobs: this.jobs.heldJobs(), drain_timeout_ms: timeoutMs, jobs_drain_ms: jobsMs }, CONTEXT);
    this.stopping.abort();
    clearInterval(this.capabilityTimer);
    await Promise.all([this.claims.stop(), this.consumer.stop()]);
    await Promise.all([this.supervisor.drain(timeoutMs), this.jobs.drain(jobsMs)]);
    const flushed = await this.reports.flush(this.deps.timings.reportFlushMs);
    if (!flushed) logger.warn({ msg: 'some task reports could not be delivered before exit' }, CONTEXT);
    this.reports.stop();
    await this.heartbeats.stop();
    await this.heartbeats.goodbye(this.deps.timings.goodbyeTimeoutMs);
  }

  /** Stops everything at once, without reports: the agent is gone for good. */
  async abort(): Promise<void> {
    this.stopping.abort();
    clearInterval(this.capabilityTimer);
    this.reports.stop();
    await Promise.all([this.claims.stop(), this.consumer.stop(), this.heartbeats.stop(), this.supervisor.abort(), this.jobs.abort()]);
  }

  private async onCommand(command: DaemonCommand, delivery: Delivery): Promise<void> {
    const { logger } = this.deps.context;
    switch (command.command) {
      case 'run':
        return this.onRun(command.task, delivery);
      case 'cancel': {
        const held = this.supervisor.cancel(command.task_id, command.attempt);
        logger.log({ msg: held ? 'cancel: stopping the task' : 'cancel: task not held, nothing to stop', task_id: command.task_id, attempt: command.attempt }, CONTEXT);
        return delivery.ack();
      }
      case 'kill_all': {
        const killed = this.supervisor.killAll(command.exercise_id);
        logger.log({ msg: 'kill_all: stopping the exercise\'s tasks', exercise_id: command.exercise_id, killed }, CONTEXT);
        return delivery.ack();
      }
      case 'run_job':
        return this.onRunJob(command.job_id, command.attempt, delivery);
      case 'cancel_job': {
        const held = this.jobs.cancel(command.job_id, command.attempt);
        logger.log(
          { msg: held ? 'cancel_job: stopping the job' : 'cancel_job: job not held, nothing to stop', job_id: command.job_id, attempt: command.attempt },
          CONTEXT,
        );
        return delivery.ack();
      }
    }
  }

  /**
   * A `run_job` is an offer: acked once taken (the claim that follows is the acceptance the server
   * waits for). Without a free slot it is acked and not claimed: the server offers it again after
   * its claim timeout, to an agent with room.
   */
  private onRunJob(jobId: string, attempt: number, delivery: Delivery): void {
    const { logger } = this.deps.context;
    const admission = this.jobs.accept({ job_id: jobId, attempt });
    const fields = { job_id: jobId, attempt };
    if (admission === 'refused') return delivery.requeue();
    delivery.ack();
    if (admission === 'new') logger.log({ msg: 'run_job: job offer taken, claiming it', ...fields }, CONTEXT);
    else if (admission === 'duplicate') logger.log({ msg: 'run_job: job attempt already held or done, delivery acked', ...fields }, CONTEXT);
    else logger.warn({ msg: 'run_job: no free job slot, offer left to the server\'s claim timeout', ...fields, max_concurrent: this.deps.jobs.maxConcurrent }, CONTEXT);
  }

  /**
   * A `run` is acked once it is accepted: held, and `task.accepted` confirmed by the broker. From
   * then on the task is tracked by its row and these reports, not by the delivery.
   */
  private async onRun(task: TaskAssignment, delivery: Delivery): Promise<void> {
    const { logger } = this.deps.context;
    const admission = this.supervisor.admit(task);
    if (admission === 'duplicate') {
      logger.log({ msg: 'run: task already held or done, delivery acked', task_id: task.task_id, attempt: task.attempt }, CONTEXT);
      return delivery.ack();
    }
    if (admission === 'refused') return delivery.requeue();
    try {
      await this.reports.accepted(task);
    } catch (e) {
      this.supervisor.withdraw(task);
      logger.warn({ msg: 'task.accepted not confirmed: the run goes back to the queue', task_id: task.task_id, error: (e as Error).message }, CONTEXT);
      // Paced, so that a broker refusing reports does not spin the command between here and the queue.
      await sleep(1000, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      return delivery.requeue();
    }
    delivery.ack();
    logger.log({ msg: 'task accepted', task_id: task.task_id, attempt: task.attempt, kind: task.kind, via: 'amqp' }, CONTEXT);
    this.supervisor.start(task);
  }

  private onClaimed(task: TaskAssignment): void {
    const admission = this.supervisor.admit(task);
    if (admission !== 'new') {
      this.deps.context.logger.warn({ msg: `claimed task not run: ${admission}`, task_id: task.task_id, attempt: task.attempt }, CONTEXT);
      return;
    }
    this.supervisor.start(task);
  }

  /** Registers again with the tasks it holds, keeps what the server keeps, and consumes again. */
  private registerAgain(reason: string): Promise<void> {
    this.reRegistering ??= this.doRegisterAgain(reason).finally(() => (this.reRegistering = undefined));
    return this.reRegistering;
  }

  private async doRegisterAgain(reason: string): Promise<void> {
    const { logger } = this.deps.context;
    const held = this.supervisor.heldTasks();
    logger.warn({ msg: 'registering again', reason, held_tasks: held }, CONTEXT);
    try {
      const body = await this.deps.registrationBody(held);
      const view = await registerAgent(this.deps.gateway, { ...body, held_tasks: held }, { logger, signal: this.stopping.signal });
      const { kill } = reconcileHeldTasks(held, { keep: view.keep ?? [], drop: view.drop ?? [] });
      if (kill.length > 0) logger.warn({ msg: 'stopping tasks the server dropped', tasks: kill }, CONTEXT);
      this.supervisor.drop(kill);
      this.heartbeats.retime(view.heartbeat_interval_seconds, view.offline_after_seconds);
      await this.consumer.resubscribe(view.queue);
      void this.jobs.reconcile(`registered again: ${reason}`);
    } catch (e) {
      if ((e as GatewayError).code !== 'abandoned') logger.error({ msg: 'registering again failed', error: (e as Error).message }, CONTEXT);
    }
  }
}
