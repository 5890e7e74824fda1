import { HeldJob, JobClaimView, JobFinishedReport, JobOutcome, JobStopped } from '@proctor/contracts';
import { ConfirmPublisher } from '@proctor/messaging';
import { JsonLogger } from '@proctor/observability';
import type Docker from 'dockerode';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayClient } from '../gateway/gateway-client';
import { GatewayError } from '../gateway/gateway-error';
import { JOB_CLAIM, reportId } from '../reporting/report-id';
import { containerCreateOptions, containerName } from './container-options';
import { findArtifact, uploadArtifact } from './job-artifacts';
import { parseJobClaim } from './job-claim';
import { containerExit, ensureImage, isNotFound, stopContainer } from './job-containers';
import { JobLogPublisher } from './job-log-publisher';
import { JobStopReason, JobVerdict, jobVerdict, reportableVerdict, stopSignal, verdictBeforeStart } from './job-outcome';
import { JobRunnerConfig } from './job-runner-config';
import { downloadArchive, extractArchive, handOverWorkspace } from './job-workspace';
import { LogChunker } from './log-chunker';

/** Where a run sends its reports (ReportPublisher). */
export interface JobReports {
  jobCancelling(job: HeldJob): void;
  jobFinished(report: Omit<JobFinishedReport, 'agent_id'>): void;
}

/** Sizes and delays of the job runner that tests shorten. */
export interface JobRunnerTuning {
  chunkBytes: number;
  chunkDelayMs: number;
  /** Log chunks held while the broker does not take them, per job, before its output is paused. */
  maxBufferedLogBytes: number;
  /** How long a log chunk publish waits for the broker's confirm before it is sent again. */
  confirmTimeoutMs: number;
  /** At drain, how long a stopped job's last log chunks may take to be confirmed. */
  finalFlushMs: number;
}

export interface JobRunDeps {
  docker: Docker;
  gateway: GatewayClient;
  reports: JobReports;
  publisher: ConfirmPublisher;
  logsExchange: string;
  config: JobRunnerConfig;
  tuning: JobRunnerTuning;
  agentId: string;
  agentName: string;
  logger: JsonLogger;
  /** Resolves once the jobs service knows what this daemon holds: a claim waits for it. */
  reconciled(): Promise<void>;
  /** The daemon drains: a job claimed now is handed back (lost) rather than started. */
  draining(): boolean;
  onLogChunk(): void;
}

/** How a run ended for its slot: the outcome it reported, or null when it reported nothing. */
export interface JobRunEnd {
  reported: JobOutcome | null;
  why?: string;
}

const CONTEXT = 'Jobs';
/** After the container exits, how long its output stream may take to end. */
const STREAM_END_MS = 2000;
/** After a SIGKILL exit, how long the engine's OOM flag may take to appear. */
const OOM_FLAG_WAIT_MS = 2000;

/**
 * One attempt of one job on this agent, from the offer to the finished report: claim it, unpack
 * its workspace, run its container (output cut into log chunks as it comes), stop it at its
 * timeout or on cancel, collect its artifacts, deliver the last chunk, report, clean up. Every
 * claimed run ends with exactly one finished report, unless the server has already given up on it
 * (dropped silently).
 */
export class JobRun {
  readonly name: string;
  /** Resolves once the run no longer needs its slot: reported, or dropped. */
  readonly settled: Promise<JobRunEnd>;
  /** Resolves once its container and workspace are gone too. */
  readonly done: Promise<void>;
  private settle: (end: JobRunEnd) => void = () => undefined;
  private claimSent = false;
  private stopReason?: JobStopReason;
  private silent = false;
  /** When the daemon's drain gave up on this run: its last chunks then get a bounded wait. */
  private drainStoppedAt?: number;
  private readonly stopRequested: Promise<void>;
  private markStopRequested: () => void = () => undefined;
  /** Aborts the claim: only when the run is dropped silently. */
  private readonly claimAbort = new AbortController();
  /** Aborts the workspace download: any stop. */
  private readonly prepareAbort = new AbortController();
  /** Aborts artifact uploads: the daemon is going away. */
  private readonly uploadAbort = new AbortController();
  private container?: Docker.Container;
  private containerStarted = false;
  private containerExited = false;
  private stopping?: Promise<JobStopped['signal']>;
  private timeoutTimer?: NodeJS.Timeout;
  private logs?: JobLogPublisher;
  private chunker?: LogChunker;
  private readonly dir: string;

  constructor(
    private readonly deps: JobRunDeps,
    readonly job: HeldJob,
  ) {
    this.name = containerName(deps.config.containerPrefix, job.job_id, job.attempt);
    this.dir = join(deps.config.workDir, this.name);
    this.settled = new Promise((resolve) => (this.settle = resolve));
    this.stopRequested = new Promise((resolve) => (this.markStopRequested = resolve));
    this.done = this.run();
  }

  /** Not claimed yet: dropping it now costs nothing (the server offers it again after its claim timeout). */
  get unclaimed(): boolean {
    return !this.claimSent;
  }

  /** The server asked: `job.cancelling` now (again, if it asks again), then stop. */
  cancel(): void {
    this.deps.reports.jobCancelling(this.job);
    this.stop('cancel');
  }

  /** Stops the run for `reason`; the first reason given is the one reported. */
  stop(reason: JobStopReason): void {
    if (reason === 'drain') {
      this.drainStoppedAt ??= Date.now();
      this.uploadAbort.abort();
    }
    if (this.stopReason) return;
    this.stopReason = reason;
    clearTimeout(this.timeoutTimer);
    this.markStopRequested();
    this.prepareAbort.abort();
    // Once it has exited by itself, the exit is what happened: nothing left to stop.
    if (this.containerStarted && !this.containerExited) this.stopping ??= this.stopContainer();
  }

  /** Stops it without a report: the server no longer counts on it (superseded attempt, agent deleted). */
  dropSilently(): void {
    this.silent = true;
    this.claimAbort.abort();
    this.logs?.abandon();
    this.stop('drain');
  }

  private async run(): Promise<void> {
    const { logger } = this.deps;
    const fields = { job_id: this.job.job_id, attempt: this.job.attempt };
    let end: JobRunEnd = { reported: null, why: 'not claimed' };
    try {
      const answer = await this.claim();
      if (answer.claimed === false) {
        end = { reported: null, why: answer.why };
        return;
      }
      let verdict: JobVerdict;
      let claim: JobClaimView | undefined;
      try {
        claim = parseJobClaim(answer.value, this.job);
        verdict = reportableVerdict(await this.execute(claim));
      } catch (e) {
        logger.error({ msg: 'job could not be run', ...fields, error: (e as Error).message }, CONTEXT);
        const reason = claim ? `agentd could not run it: ${(e as Error).message}` : `invalid claim: ${(e as Error).message}`;
        verdict = reportableVerdict({ outcome: 'failed', exit_code: null, reason });
      }
      if (this.silent) {
        end = { reported: null, why: 'dropped' };
        return;
      }
      if (claim && verdict.outcome !== 'lost') await this.uploadArtifacts(claim);
      await this.finishLogs();
      const lastSeq = this.logs?.lastSeq ?? 0;
      this.deps.reports.jobFinished({ ...this.job, ...verdict, last_seq: lastSeq });
      logger.log({ msg: 'job finished', ...fields, container: this.name, ...verdict, last_seq: lastSeq }, CONTEXT);
      end = { reported: verdict.outcome };
    } finally {
      clearTimeout(this.timeoutTimer);
      this.settle(end);
      await this.cleanUp();
    }
  }

  private async claim(): Promise<{ claimed: true; value: unknown } | { claimed: false; why: string }> {
    const { gateway, logger, agentId } = this.deps;
    const fields = { job_id: this.job.job_id, attempt: this.job.attempt };
    await Promise.race([this.deps.reconciled(), this.stopRequested]);
    if (this.silent) return { claimed: false, why: 'dropped before its claim' };
    if (this.stopReason || this.deps.draining()) return { claimed: false, why: 'the daemon is draining' };
    this.claimSent = true;
    try {
      const value = await gateway.claimJob(this.job.job_id, this.job.attempt, {
        idempotencyKey: reportId(agentId, this.job.job_id, this.job.attempt, JOB_CLAIM),
        signal: this.claimAbort.signal,
      });
      logger.log({ msg: 'job claimed', ...fields }, CONTEXT);
      return { claimed: true, value };
    } catch (e) {
      const error = e instanceof GatewayError ? e : new GatewayError(null, 'internal', (e as Error).message);
      if (error.code === 'abandoned') return { claimed: false, why: 'abandoned' };
      const why =
        error.status === 409 || error.status === 404
          ? `the server refused the claim (${error.status} ${error.code}): not running it`
          : `the claim failed (${error.message}): the server offers the job again after its claim timeout`;
      logger.warn({ msg: 'job not claimed', ...fields, status: error.status, code: error.code, why }, CONTEXT);
      return { claimed: false, why };
    }
  }

  private async execute(claim: JobClaimView): Promise<JobVerdict> {
    const { docker, logger, config, agentName, agentId } = this.deps;
    const fields = { job_id: this.job.job_id, attempt: this.job.attempt, container: this.name };
    if (!this.stopReason && this.deps.draining()) this.stop('drain');
    if (this.stopReason) return verdictBeforeStart(this.stopReason, agentName);

    const workspace = join(this.dir, 'workspace');
    try {
      await rm(this.dir, { recursive: true, force: true });
      await mkdir(workspace, { recursive: true, mode: 0o755 });
      if (claim.workspace_url) {
        const archive = join(this.dir, 'archive.zip');
        const size = await downloadArchive(claim.workspace_url, archive, config.maxArchiveBytes, this.prepareAbort.signal);
        const unpacked = await extractArchive(archive, workspace, { maxArchiveBytes: config.maxArchiveBytes, maxWorkspaceBytes: config.maxWorkspaceBytes });
        await rm(archive, { force: true });
        logger.log({ msg: 'job workspace unpacked', ...fields, archive_bytes: size, ...unpacked }, CONTEXT);
      }
      await handOverWorkspace(workspace);
    } catch (e) {
      if (this.stopReason) return verdictBeforeStart(this.stopReason, agentName);
      logger.warn({ msg: 'job workspace could not be prepared', ...fields, error: (e as Error).message }, CONTEXT);
      return { outcome: 'failed', exit_code: null, reason: `workspace: ${(e as Error).message}` };
    }
    if (this.stopReason) return verdictBeforeStart(this.stopReason, agentName);

    try {
      if ((await ensureImage(docker, claim.image)) === 'pulled') logger.log({ msg: 'job image pulled', ...fields, image: claim.image }, CONTEXT);
    } catch (e) {
      logger.warn({ msg: 'job image not available', ...fields, image: claim.image, error: (e as Error).message }, CONTEXT);
      return { outcome: 'failed', exit_code: null, reason: `image ${claim.image} is not available on agent ${agentName}` };
    }
    if (this.stopReason) return verdictBeforeStart(this.stopReason, agentName);

    let stream: NodeJS.ReadWriteStream;
    try {
      this.container = await docker.createContainer(
        containerCreateOptions({ claim, name: this.name, workspaceDir: workspace, agentId, prefix: config.containerPrefix }),
      );
      // Attached before it starts: not a byte of output is missed.
      stream = await this.container.attach({ stream: true, stdout: true, stderr: true });
    } catch (e) {
      return { outcome: 'failed', exit_code: null, reason: `the container could not be created: ${(e as Error).message}` };
    }
    const logs = (this.logs = this.logPublisher(stream));
    const chunker = (this.chunker = new LogChunker({ maxBytes: this.deps.tuning.chunkBytes, maxDelayMs: this.deps.tuning.chunkDelayMs, emit: (data) => logs.add(data) }));
    const ended = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', resolve);
    });
    stream.on('data', (bytes: Buffer) => chunker.push(bytes));

    try {
      await this.container.start();
    } catch (e) {
      chunker.end();
      return { outcome: 'failed', exit_code: null, reason: `the container could not start: ${(e as Error).message}` };
    }
    this.containerStarted = true;
    logger.log({ msg: 'job container started', ...fields, image: claim.image, timeout_seconds: claim.timeout_seconds }, CONTEXT);
    this.timeoutTimer = setTimeout(() => this.stop('timeout'), claim.timeout_seconds * 1000);
    // A stop that came while it was starting.
    if (this.stopReason) this.stopping ??= this.stopContainer();

    await this.container.wait();
    this.containerExited = true;
    clearTimeout(this.timeoutTimer);
    await Promise.race([ended, sleep(STREAM_END_MS, undefined, { ref: false })]);
    chunker.end();
    // A container agentd stopped was killed by agentd: no OOM flag to wait for.
    const exit = await containerExit(this.container, this.stopping ? 0 : OOM_FLAG_WAIT_MS);
    const stop = this.stopReason && this.stopping ? { reason: this.stopReason, signal: await this.stopping, container: this.name } : undefined;
    return jobVerdict({ exit, stop, timeoutSeconds: claim.timeout_seconds, memoryMb: claim.limits.memory_mb, agentName });
  }

  private logPublisher(stream: NodeJS.ReadWriteStream): JobLogPublisher {
    const { tuning } = this.deps;
    return new JobLogPublisher({
      job: this.job,
      agentId: this.deps.agentId,
      publisher: this.deps.publisher,
      exchange: this.deps.logsExchange,
      logger: this.deps.logger,
      confirmTimeoutMs: tuning.confirmTimeoutMs,
      maxBufferedBytes: tuning.maxBufferedLogBytes,
      // Not reading the attach stream makes the engine stop reading the container's TTY: its
      // writes block until the broker takes chunks again.
      onPressure: (paused) => (paused ? stream.pause() : stream.resume()),
      onPublished: () => this.deps.onLogChunk(),
    });
  }

  private async stopContainer(): Promise<JobStopped['signal']> {
    const container = this.container;
    if (!container) return 'SIGTERM';
    const { config, logger } = this.deps;
    const fields = { job_id: this.job.job_id, attempt: this.job.attempt, container: this.name, reason: this.stopReason };
    try {
      if (this.silent) {
        await container.kill().catch((e: unknown) => {
          if (!isNotFound(e) && (e as { statusCode?: number }).statusCode !== 409) throw e;
        });
        return 'SIGKILL';
      }
      logger.log({ msg: 'stopping job container', ...fields, grace_seconds: config.stopGraceSeconds }, CONTEXT);
      const tookMs = await stopContainer(container, config.stopGraceSeconds);
      return stopSignal(tookMs, config.stopGraceSeconds * 1000);
    } catch (e) {
      logger.error({ msg: 'job container could not be stopped, removing it', ...fields, error: (e as Error).message }, CONTEXT);
      await container.remove({ force: true }).catch(() => undefined);
      return 'SIGKILL';
    }
  }

  private async uploadArtifacts(claim: JobClaimView): Promise<void> {
    const { logger, config } = this.deps;
    const workspace = join(this.dir, 'workspace');
    for (const path of claim.artifacts) {
      const fields = { job_id: this.job.job_id, attempt: this.job.attempt, path };
      try {
        const found = await findArtifact(workspace, path, config.maxArtifactBytes);
        if (!found.ok) {
          logger.log({ msg: 'artifact not uploaded', ...fields, why: found.problem }, CONTEXT);
          continue;
        }
        const status = await uploadArtifact(claim.artifact_upload_url, found, { signal: this.uploadAbort.signal });
        if (status >= 200 && status < 300) logger.log({ msg: 'artifact uploaded', ...fields, size: found.size }, CONTEXT);
        else logger.warn({ msg: 'artifact refused by the jobs service', ...fields, status }, CONTEXT);
      } catch (e) {
        logger.warn({ msg: 'artifact not uploaded', ...fields, why: (e as Error).message }, CONTEXT);
      }
    }
  }

  /**
   * Waits until the last log chunk is confirmed: the finished report must not overtake it. At drain
   * (or when the run is dropped) that wait is bounded, the daemon is going away.
   */
  private async finishLogs(): Promise<void> {
    const logs = this.logs;
    if (!logs) return;
    this.chunker?.end();
    for (;;) {
      if (await logs.flush(250)) return;
      const cutShort = this.silent || (this.drainStoppedAt !== undefined && Date.now() - this.drainStoppedAt > this.deps.tuning.finalFlushMs);
      if (cutShort) {
        logs.abandon();
        this.deps.logger.warn({ msg: 'last log chunks of a job not confirmed before the daemon stops', job_id: this.job.job_id, attempt: this.job.attempt }, CONTEXT);
        return;
      }
    }
  }

  private async cleanUp(): Promise<void> {
    const { logger } = this.deps;
    const fields = { job_id: this.job.job_id, attempt: this.job.attempt, container: this.name };
    if (this.container) {
      await this.container.remove({ force: true, v: true }).catch((e: unknown) => {
        if (!isNotFound(e)) logger.warn({ msg: 'job container not removed', ...fields, error: (e as Error).message }, CONTEXT);
      });
    }
    if (this.claimSent) {
      await rm(this.dir, { recursive: true, force: true }).catch((e: Error) =>
        logger.warn({ msg: 'job workspace not removed', ...fields, dir: this.dir, error: e.message }, CONTEXT),
      );
    }
  }
}
