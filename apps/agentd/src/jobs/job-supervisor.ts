import { HeldJob } from '@proctor/contracts';
import { backoffDelay } from '@proctor/messaging';
import { MetricsService } from '@proctor/observability';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../gateway/gateway-error';
import { shouldRetry } from '../gateway/retry-decision';
import { RecentTasks } from '../tasks/recent-tasks';
import { removeLeftoverContainers } from './job-containers';
import { JobRun, JobRunDeps } from './job-run';

/** What each run needs, less what the supervisor itself provides (reconcile, drain, log counts). */
export interface JobSupervisorOptions extends Omit<JobRunDeps, 'reconciled' | 'draining' | 'onLogChunk'> {
  metrics: MetricsService;
}

/** `new`: it runs. `duplicate`: that attempt is held or done. `full`: no free slot. `refused`: draining. */
export type JobAdmission = 'new' | 'duplicate' | 'full' | 'refused';

const CONTEXT = 'Jobs';
/** Start-up must not hang on an engine that does not answer. */
const LEFTOVER_TIMEOUT_MS = 15_000;

/**
 * The CI jobs this daemon holds, at most `jobs.max_concurrent` at once: it takes run_job offers,
 * passes cancels to their run, tells the jobs service what it holds (at start, after a new
 * registration), removes what a crashed predecessor left, and drains.
 */
export class JobSupervisor {
  private readonly runs = new Map<string, JobRun>();
  private readonly recent = new RecentTasks(1000);
  private readonly cleaning = new Set<Promise<void>>();
  private draining = false;
  private reconciled: Promise<void> = Promise.resolve();
  private reconciling?: Promise<void>;
  private readonly stopping = new AbortController();
  private readonly running: ReturnType<MetricsService['gauge']>;
  private readonly finished: ReturnType<MetricsService['counter']>;
  private readonly chunks: ReturnType<MetricsService['counter']>;

  constructor(private readonly options: JobSupervisorOptions) {
    const { metrics } = options;
    this.running = metrics.gauge('proctor_agentd_jobs_running', 'CI jobs this daemon holds (offered and claimed, not yet reported finished)');
    this.running.set(0);
    this.finished = metrics.counter('proctor_agentd_jobs_finished_total', 'CI jobs reported finished, by outcome', ['outcome']);
    this.chunks = metrics.counter('proctor_agentd_job_log_chunks_total', 'Job log chunks published and confirmed');
  }

  /**
   * Before the first command: removes the containers and workspaces a previous run of this daemon
   * left, then tells the jobs service it holds nothing (in the background, retried; claims wait).
   */
  async start(): Promise<void> {
    await this.removeLeftovers();
    void this.reconcile('daemon started');
  }

  /** Takes an offer and runs it (claim first), unless it is a repeat, there is no slot, or the daemon drains. */
  accept(job: HeldJob): JobAdmission {
    if (this.draining) return 'refused';
    if (this.recent.has(job.job_id, job.attempt)) return 'duplicate';
    const existing = this.runs.get(job.job_id);
    if (existing && existing.job.attempt >= job.attempt) return 'duplicate';
    if (existing) {
      // The server moved on to a newer attempt: the old one's reports would be refused as stale.
      this.options.logger.warn({ msg: 'newer attempt replaces a held job', job_id: job.job_id, attempt: job.attempt, held_attempt: existing.job.attempt }, CONTEXT);
      existing.dropSilently();
      this.runs.delete(job.job_id);
    }
    if (this.runs.size >= this.options.config.maxConcurrent) return 'full';
    const run = new JobRun(
      {
        ...this.options,
        reconciled: () => this.reconciled,
        draining: () => this.draining,
        onLogChunk: () => this.chunks.inc(),
      },
      job,
    );
    this.runs.set(job.job_id, run);
    this.running.set(this.runs.size);
    void run.settled.then((end) => {
      if (this.runs.get(job.job_id) === run) this.runs.delete(job.job_id);
      this.running.set(this.runs.size);
      this.recent.add(job.job_id, job.attempt);
      if (end.reported) this.finished.inc({ outcome: end.reported });
      else this.options.logger.log({ msg: 'job let go without a report', job_id: job.job_id, attempt: job.attempt, why: end.why ?? null }, CONTEXT);
    });
    this.cleaning.add(run.done);
    void run.done.finally(() => this.cleaning.delete(run.done));
    return 'new';
  }

  /** Cancels a held attempt; false when this daemon does not hold it. */
  cancel(jobId: string, attempt: number): boolean {
    const run = this.runs.get(jobId);
    if (!run || run.job.attempt !== attempt) return false;
    run.cancel();
    return true;
  }

  heldJobs(): HeldJob[] {
    return [...this.runs.values()].map((run) => run.job);
  }

  /**
   * `POST /v1/agent/jobs/reconcile` with the jobs held now, retried until answered; claims wait for
   * it, so that the server never counts a job claimed meanwhile as lost. The server fails or queues
   * again the jobs of this agent that are not held (the answer's `lost`, logged), and sends
   * `cancel_job` for held runs that are no longer this agent's.
   */
  reconcile(reason: string): Promise<void> {
    if (this.reconciling) return this.reconciling;
    let open: () => void = () => undefined;
    this.reconciled = new Promise((resolve) => (open = resolve));
    this.reconciling = this.doReconcile(reason).finally(() => {
      this.reconciling = undefined;
      open();
    });
    return this.reconciling;
  }

  /**
   * SIGTERM: takes no new jobs (offers not yet claimed are left to the server's claim timeout),
   * lets running ones finish for up to `timeoutMs`, then stops them and reports them lost.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    for (const run of this.runs.values()) if (run.unclaimed) run.stop('drain');
    const all = () => Promise.all([...this.runs.values()].map((run) => run.settled));
    const finished = await Promise.race([all().then(() => true), sleep(timeoutMs, false, { ref: false })]);
    if (!finished) {
      this.options.logger.warn({ msg: 'drain timeout reached, stopping the jobs still running', jobs: this.heldJobs() }, CONTEXT);
      for (const run of this.runs.values()) run.stop('drain');
    }
    await all();
    await Promise.all([...this.cleaning]);
  }

  /** Stops everything now, without reports: the agent is gone for good. */
  async abort(): Promise<void> {
    this.draining = true;
    this.stopping.abort();
    for (const run of this.runs.values()) run.dropSilently();
    await Promise.all([...this.cleaning]);
  }

  private async doReconcile(reason: string): Promise<void> {
    const { gateway, logger } = this.options;
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      const held = this.heldJobs();
      try {
        const view = await gateway.reconcileJobs(held, { signal: this.stopping.signal, maxAttempts: 2 });
        logger.log({ msg: 'jobs reconciled with the jobs service', reason, held, lost: view?.lost ?? [] }, CONTEXT);
        return;
      } catch (e) {
        const error = e instanceof GatewayError ? e : new GatewayError(null, 'internal', (e as Error).message);
        if (error.code === 'abandoned') return;
        if (error.status !== null && !shouldRetry({ kind: 'status', status: error.status, code: error.code })) {
          logger.error({ msg: 'jobs reconcile refused by the gateway; taking jobs anyway', reason, status: error.status, code: error.code, error: error.message }, CONTEXT);
          return;
        }
        const delay = backoffDelay(attempt, 1000, 30_000);
        logger.warn({ msg: 'jobs reconcile failed, retrying', reason, error: error.message, retry_in_ms: delay }, CONTEXT);
        if (await sleep(delay, false, { signal: this.stopping.signal }).catch(() => true)) return;
      }
    }
  }

  /** Containers (by label) and workspaces (by name) of this agent and prefix: nothing is held yet. */
  private async removeLeftovers(): Promise<void> {
    const { docker, agentId, config, logger } = this.options;
    try {
      const removed = await Promise.race([
        removeLeftoverContainers(docker, agentId, config.containerPrefix),
        sleep(LEFTOVER_TIMEOUT_MS, undefined, { ref: false }).then(() => {
          throw new Error(`the docker engine did not answer within ${LEFTOVER_TIMEOUT_MS} ms`);
        }),
      ]);
      if (removed.length > 0) logger.warn({ msg: 'removed job containers left by a previous run of this daemon', containers: removed }, CONTEXT);
    } catch (e) {
      logger.warn({ msg: 'could not look for leftover job containers', error: (e as Error).message }, CONTEXT);
    }
    try {
      const names = (await readdir(config.workDir)).filter((name) => name.startsWith(config.containerPrefix));
      for (const name of names) await rm(join(config.workDir, name), { recursive: true, force: true });
      if (names.length > 0) logger.warn({ msg: 'removed job workspaces left by a previous run of this daemon', workspaces: names }, CONTEXT);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ msg: 'could not look for leftover job workspaces', dir: config.workDir, error: (e as Error).message }, CONTEXT);
    }
  }
}
