import { Logger } from '@nestjs/common';
import { JobClaimView, JobLogMessage, JobReport } from '@proctor/contracts';
import { BrokerNames, DaemonConfig, RunningDaemon, startDaemon } from '@proctor/messaging';
import { JsonLogger } from '@proctor/observability';
import { expectEventually, TcpProxy, TEST_AMQP_URL, testNamespace } from '@proctor/testing';
import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentWork } from '../agent-daemon';
import { AGENTD } from '../agentd.daemon-definition';
import { JOB_CLAIM, reportId } from '../reporting/report-id';
import { AgentBroker } from '../testing/agent-broker';
import { FakeGateway } from '../testing/fake-gateway';
import { FakeJobsFiles, projectZip } from '../testing/fake-jobs-files';
import { containerPrefix } from './job-runner-config';

const KEY = 'agentd-jobs-test-key';
const AGENT_NAME = 'lab-agent-jobs';
const IMAGE = 'proctor-runner:latest';
const docker = new Docker();

/** The tests need the engine and the runner image; without them they fail, saying what to do. */
async function requireDockerAndImage(): Promise<void> {
  try {
    await docker.ping();
  } catch (e) {
    throw new Error(`the Docker engine does not answer (${(e as Error).message}): the job runner tests need it (start dockerd)`);
  }
  try {
    await docker.getImage(IMAGE).inspect();
  } catch {
    throw new Error(`image ${IMAGE} is missing: run tools/docker/build-runner-image.sh`);
  }
}

/**
 * agentd in-process running CI jobs in real containers (Docker engine, the runner image) against a
 * fake gateway, a fake jobs file server and the real broker (through a proxy the test can cut).
 * The tests share one daemon and run in order: the last one drains it.
 */
describe('agentd job runner', () => {
  const namespace = testNamespace();
  const names = new BrokerNames(namespace);
  const prefix = containerPrefix('proctor-job-', namespace);
  const agentId = randomUUID();
  const workDir = mkdtempSync(join(tmpdir(), 'agentd-jobs-'));
  const proxy = new TcpProxy(new URL(TEST_AMQP_URL).hostname, Number(new URL(TEST_AMQP_URL).port || 5672));
  const lines: string[] = [];
  let gateway: FakeGateway;
  let files: FakeJobsFiles;
  let broker: AgentBroker;
  let daemon: RunningDaemon | undefined;
  let leftover: Docker.Container;

  /** Offers a job as the jobs dispatcher does: the claim answer waits at the gateway, run_job goes to the queue. */
  const offer = async (change: Partial<JobClaimView> & { zip?: Buffer } = {}): Promise<JobClaimView> => {
    const jobId = randomUUID();
    const { zip, ...claimChange } = change;
    const claim: JobClaimView = {
      job_id: jobId,
      attempt: 1,
      image: IMAGE,
      command: ['sh', '-c', 'echo hello'],
      env: {},
      timeout_seconds: 30,
      limits: { cpus: 0.5, memory_mb: 64, pids: 64 },
      network: 'none',
      artifacts: [],
      workspace_url: zip ? files.serveWorkspace(jobId, 1, zip) : null,
      artifact_upload_url: files.artifactUploadUrl(jobId, 1),
      ...claimChange,
    };
    gateway.offeredJobs.set(jobId, claim);
    await broker.send({ command: 'run_job', job_id: jobId, attempt: claim.attempt });
    return claim;
  };
  const reportKinds = (jobId: string) => broker.jobReportsOf(jobId).map((r) => r.kind);
  const finishedOf = (jobId: string) => broker.jobReportsOf(jobId).find((r) => r.kind === JobReport.Finished)?.body;
  const waitForFinished = async (jobId: string, timeoutMs = 20_000) => {
    await expectEventually(() => expect(finishedOf(jobId)).toBeDefined(), { timeoutMs });
    return finishedOf(jobId) as Record<string, unknown>;
  };
  /** The run's output as a reader gets it: the chunks in seq order, which must be 1..n with no gap. */
  const outputOf = (jobId: string): { text: string; seqs: number[] } => {
    const chunks = [...broker.logsOf(jobId)].sort((a, b) => a.seq - b.seq);
    return { text: chunks.map((c) => c.data).join(''), seqs: chunks.map((c) => c.seq) };
  };
  const jobContainers = async (jobId: string) => docker.listContainers({ all: true, filters: { label: [`proctor.job=${jobId}`] } });

  beforeAll(async () => {
    await requireDockerAndImage();
    await proxy.start();
    broker = new AgentBroker(names, agentId);
    gateway = new FakeGateway(AGENT_NAME, KEY, agentId, broker.queue);
    gateway.offlineAfterSeconds = 2;
    files = new FakeJobsFiles();
    await Promise.all([gateway.start(), broker.start(), files.start()]);

    // What a crashed predecessor left: a running container with this agent's labels, and a workspace.
    leftover = await docker.createContainer({
      name: `${prefix}${randomUUID()}-1`,
      Image: IMAGE,
      Cmd: ['sleep', '300'],
      Labels: { 'proctor.job': randomUUID(), 'proctor.attempt': '1', 'proctor.agent': agentId, 'proctor.prefix': prefix },
      HostConfig: { NetworkMode: 'none' },
    });
    await leftover.start();
    mkdirSync(join(workDir, `${prefix}${randomUUID()}-1`, 'workspace'), { recursive: true });

    const config: DaemonConfig = {
      gatewayUrl: gateway.url,
      amqpUrl: proxy.url(TEST_AMQP_URL),
      name: AGENT_NAME,
      key: KEY,
      labels: {},
      namespace,
      port: 0,
      logLevel: 'log',
      drainTimeoutSeconds: 1,
      lists: {},
      settings: { 'jobs.work_dir': workDir, 'jobs.stop_grace_seconds': 1, 'jobs.drain_seconds': 2, 'jobs.max_concurrent': 4 },
    };
    const definition = { ...AGENTD, work: agentWork({ timings: { brokerGraceMs: 60_000, reportFlushMs: 3000 }, jobTuning: { finalFlushMs: 2000 } }) };
    const logger = new JsonLogger('agentd', 'log', (line) => lines.push(line));
    Logger.overrideLogger(logger);
    daemon = await startDaemon(definition, config, logger);
    await expectEventually(() => expect(lines.join('\n')).toContain('consuming the agent queue'), { timeoutMs: 20_000 });
  });

  afterAll(async () => {
    await daemon?.stop();
    await leftover?.remove({ force: true }).catch(() => undefined);
    await Promise.all([gateway?.stop(), broker?.stop(), files?.stop(), proxy.stop()]);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('removes what a crashed predecessor left, then tells the jobs service it holds nothing, before taking commands', async () => {
    await expect(leftover.inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(readdirSync(workDir)).toEqual([]);
    const [reconcile] = gateway.callsTo('/v1/agent/jobs/reconcile');
    expect(reconcile).toMatchObject({ status: 200, body: { held: [] }, agentName: AGENT_NAME, apiVersion: '1' });
    const reconciledAt = lines.findIndex((l) => l.includes('jobs reconciled with the jobs service'));
    const consumingAt = lines.findIndex((l) => l.includes('consuming the agent queue'));
    expect(reconciledAt).toBeGreaterThanOrEqual(0);
    expect(lines.findIndex((l) => l.includes('removed job containers left by a previous run'))).toBeLessThan(consumingAt);

    const [register] = gateway.callsTo('/v1/agent/register');
    expect(register.body).toMatchObject({ capabilities: { docker: { available: true, max_jobs: 4 } } });
  });

  it('runs a job from its workspace: output in ordered, contiguous chunks, artifacts uploaded, then finished succeeded', async () => {
    // About 60 KiB of output: more than one chunk.
    const script = ['#!/bin/sh', 'for i in $(seq 1 2500); do echo "line $i of the test run"; done', 'mkdir -p reports', 'echo "<testsuite tests=\\"3\\"/>" > reports/junit.xml', 'echo done'].join('\n');
    const job = await offer({
      zip: await projectZip([{ name: 'run-tests.sh', data: script, mode: 0o100755 }, { name: 'src/app.txt', data: 'app' }]),
      command: ['sh', '-c', './run-tests.sh'],
      artifacts: ['reports/junit.xml', 'reports/missing.xml'],
    });
    const finished = await waitForFinished(job.job_id);
    expect(finished).toMatchObject({ agent_id: agentId, job_id: job.job_id, attempt: 1, outcome: 'succeeded', exit_code: 0 });

    const { text, seqs } = outputOf(job.job_id);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(finished.last_seq).toBe(seqs.length);
    expect(seqs.length).toBeGreaterThan(1);
    const expected = Array.from({ length: 2500 }, (_, i) => `line ${i + 1} of the test run\n`).join('') + 'done\n';
    expect(text).toBe(expected);
    // Chunks are published in the order they were cut.
    expect(broker.logsOf(job.job_id).map((c: JobLogMessage) => c.seq)).toEqual(seqs);
    const [chunk] = broker.logs.filter((l) => l.body.job_id === job.job_id);
    expect(chunk).toMatchObject({ routingKey: `job.${job.job_id}`, persistent: true, agentIdHeader: agentId });

    expect(files.artifactsOf(job.job_id)).toEqual([
      { jobId: job.job_id, attempt: 1, path: 'reports/junit.xml', body: Buffer.from('<testsuite tests="3"/>\n'), contentType: 'application/octet-stream' },
    ]);
    expect(lines.join('\n')).toMatch(/artifact not uploaded.*reports\/missing.xml.*not found/);

    const [claim] = gateway.callsTo(`/v1/agent/jobs/${job.job_id}/claim`);
    expect(claim).toMatchObject({ status: 200, body: { attempt: 1 }, idempotencyKey: reportId(agentId, job.job_id, 1, JOB_CLAIM) });
    const report = broker.jobReportsOf(job.job_id)[0];
    expect(report).toMatchObject({ kind: JobReport.Finished, persistent: true, agentIdHeader: agentId, messageId: reportId(agentId, job.job_id, 1, JobReport.Finished) });
    // Acked when taken: nothing is left on the queue.
    expect(await broker.readyCommands()).toBe(0);
    await expectEventually(async () => expect(await jobContainers(job.job_id)).toEqual([]), { timeoutMs: 5000 });
    await expectEventually(() => expect(readdirSync(workDir)).toEqual([]), { timeoutMs: 5000 });
  });

  it('reports a non-zero exit as failed with its code', async () => {
    const job = await offer({ command: ['sh', '-c', 'echo failing; exit 3'] });
    expect(await waitForFinished(job.job_id)).toMatchObject({ outcome: 'failed', exit_code: 3, reason: 'exited with code 3', last_seq: 1 });
    expect(outputOf(job.job_id).text).toBe('failing\n');
  });

  it('reports a job killed at its memory limit as failed with oom_killed', async () => {
    const job = await offer({ command: ['sh', '-c', 'dd if=/dev/zero of=/dev/null bs=200M count=1'], limits: { cpus: 0.5, memory_mb: 32, pids: 64 } });
    expect(await waitForFinished(job.job_id)).toMatchObject({ outcome: 'failed', oom_killed: true, reason: expect.stringContaining('out of memory') });
  });

  it('stops a job at its timeout and reports it timed_out', async () => {
    const started = Date.now();
    const job = await offer({ command: ['sh', '-c', 'echo sleeping; sleep 30'], timeout_seconds: 1 });
    expect(await waitForFinished(job.job_id)).toMatchObject({ outcome: 'timed_out', reason: expect.stringContaining('timed out after 1 s') });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(outputOf(job.job_id).text).toBe('sleeping\n');
  });

  it('runs the job as nobody on a read-only root, with a writable /workspace and /tmp and no network', async () => {
    const job = await offer({
      command: ['sh', '-c', 'id -u; touch /oops || echo "root: read-only"; echo w > /workspace/w.txt && echo "workspace: writable"; echo t > /tmp/t && echo "tmp: writable"; cat /proc/net/dev'],
    });
    expect(await waitForFinished(job.job_id)).toMatchObject({ outcome: 'succeeded', exit_code: 0 });
    const { text } = outputOf(job.job_id);
    expect(text).toMatch(/^65534\n/);
    expect(text).toContain('Read-only file system');
    expect(text).toContain('root: read-only');
    expect(text).toContain('workspace: writable');
    expect(text).toContain('tmp: writable');
    // Only the loopback interface: no network.
    expect(text).toContain('lo:');
    expect(text).not.toMatch(/eth\d+:/);
  });

  it('cancels a running job: job.cancelling, then canceled, stopped with SIGTERM', async () => {
    const job = await offer({ command: ['sh', '-c', 'echo started; sleep 30'] });
    await expectEventually(() => expect(outputOf(job.job_id).text).toBe('started\n'), { timeoutMs: 15_000 });
    await broker.send({ command: 'cancel_job', job_id: job.job_id, attempt: 1 });
    const finished = await waitForFinished(job.job_id);
    expect(reportKinds(job.job_id)).toEqual([JobReport.Cancelling, JobReport.Finished]);
    expect(broker.jobReportsOf(job.job_id)[0].body).toEqual({ agent_id: agentId, job_id: job.job_id, attempt: 1 });
    expect(finished).toMatchObject({ outcome: 'canceled', stopped: { container: `${prefix}${job.job_id}-1`, signal: 'SIGTERM' }, last_seq: 1 });
  });

  it('kills a job that ignores SIGTERM once the grace period is over', async () => {
    const job = await offer({ command: ['sh', '-c', "trap '' TERM; echo stubborn; sleep 30"] });
    await expectEventually(() => expect(outputOf(job.job_id).text).toBe('stubborn\n'), { timeoutMs: 15_000 });
    await broker.send({ command: 'cancel_job', job_id: job.job_id, attempt: 1 });
    expect(await waitForFinished(job.job_id)).toMatchObject({ outcome: 'canceled', stopped: { signal: 'SIGKILL' } });
  });

  it('ignores a cancel for a job it does not hold', async () => {
    const jobId = randomUUID();
    await broker.send({ command: 'cancel_job', job_id: jobId, attempt: 1 });
    await expectEventually(() => expect(lines.join('\n')).toContain('cancel_job: job not held, nothing to stop'), { timeoutMs: 5000 });
    expect(broker.jobReportsOf(jobId)).toEqual([]);
  });

  it('does not run a job whose claim is refused, and reports nothing', async () => {
    const jobId = randomUUID();
    // Offered to this agent, then taken back (canceled, or offered elsewhere): the claim gets 404/409.
    await broker.send({ command: 'run_job', job_id: jobId, attempt: 1 });
    await expectEventually(() => expect(gateway.callsTo(`/v1/agent/jobs/${jobId}/claim`)).toHaveLength(1), { timeoutMs: 5000 });
    await expectEventually(() => expect(lines.join('\n')).toMatch(new RegExp(`job not claimed.*${jobId}`)), { timeoutMs: 5000 });
    expect(gateway.callsTo(`/v1/agent/jobs/${jobId}/claim`)[0].status).toBe(404);
    expect(await jobContainers(jobId)).toEqual([]);
    expect(broker.jobReportsOf(jobId)).toEqual([]);
  });

  it('fails a job whose image this agent cannot get, naming it', async () => {
    const job = await offer({ image: '127.0.0.1:1/proctor/missing:1' });
    expect(await waitForFinished(job.job_id)).toMatchObject({
      outcome: 'failed',
      exit_code: null,
      reason: `image 127.0.0.1:1/proctor/missing:1 is not available on agent ${AGENT_NAME}`,
      last_seq: 0,
    });
  });

  it('loses no chunk while the broker is briefly away: they are kept in order and delivered when it is back', async () => {
    const job = await offer({ command: ['sh', '-c', 'for i in $(seq 1 30); do echo "tick $i"; sleep 0.1; done'] });
    await expectEventually(() => expect(outputOf(job.job_id).text).toContain('tick 3\n'), { timeoutMs: 15_000 });
    proxy.cut();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    proxy.restore();
    const finished = await waitForFinished(job.job_id, 30_000);
    expect(finished).toMatchObject({ outcome: 'succeeded' });
    const { text, seqs } = outputOf(job.job_id);
    expect(text).toBe(Array.from({ length: 30 }, (_, i) => `tick ${i + 1}\n`).join(''));
    expect(seqs).toEqual(Array.from({ length: finished.last_seq as number }, (_, i) => i + 1));
  });

  it('after a silence registers again and reconciles the jobs it holds; a run no longer its own is stopped by the cancel that follows', async () => {
    const job = await offer({ command: ['sh', '-c', 'echo kept-running; sleep 30'] });
    await expectEventually(() => expect(outputOf(job.job_id).text).toBe('kept-running\n'), { timeoutMs: 15_000 });
    const reconciles = gateway.callsTo('/v1/agent/jobs/reconcile').length;

    gateway.force('/v1/agent/heartbeat', 503, { error: 'service_unavailable', message: 'down', details: {} });
    await new Promise((resolve) => setTimeout(resolve, (gateway.offlineAfterSeconds + 1) * 1000));
    gateway.unforce('/v1/agent/heartbeat');

    await expectEventually(() => expect(gateway.callsTo('/v1/agent/jobs/reconcile').length).toBe(reconciles + 1), { timeoutMs: 10_000 });
    expect(gateway.callsTo('/v1/agent/jobs/reconcile')[reconciles].body).toEqual({ held: [{ job_id: job.job_id, attempt: 1 }] });
    // While the agent was offline the jobs service gave up on this run: it sends cancel_job for it.
    await broker.send({ command: 'cancel_job', job_id: job.job_id, attempt: 1 });
    expect(await waitForFinished(job.job_id)).toMatchObject({ outcome: 'canceled' });
    await expectEventually(async () => expect(await jobContainers(job.job_id)).toEqual([]), { timeoutMs: 10_000 });
  });

  it('counts jobs running, jobs finished by outcome and log chunks published on /metrics', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${daemon?.port}/metrics`)).text();
    expect(metrics).toMatch(/proctor_agentd_jobs_running\{service="agentd"\} 0/);
    expect(metrics).toMatch(/proctor_agentd_jobs_finished_total\{[^}]*outcome="succeeded"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/proctor_agentd_jobs_finished_total\{[^}]*outcome="canceled"[^}]*\} 3/);
    expect(metrics).toMatch(/proctor_agentd_job_log_chunks_total\{service="agentd"\} [1-9]\d*/);
  });

  it('drains on stop: a running job gets the drain time, then is stopped and reported lost', async () => {
    const job = await offer({ command: ['sh', '-c', 'echo long; sleep 30'] });
    await expectEventually(() => expect(outputOf(job.job_id).text).toBe('long\n'), { timeoutMs: 15_000 });
    const stopping = Date.now();
    await daemon?.stop();
    daemon = undefined;
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(2000);
    expect(finishedOf(job.job_id)).toMatchObject({ outcome: 'lost', reason: `agent ${AGENT_NAME} shut down`, last_seq: 1 });
    expect(await jobContainers(job.job_id)).toEqual([]);
    expect(existsSync(join(workDir, `${prefix}${job.job_id}-1`))).toBe(false);
    // Every body it sent passed the contract's validation, as the gateway applies it.
    expect(gateway.calls.filter((c) => c.status === 400)).toEqual([]);
  });
});
