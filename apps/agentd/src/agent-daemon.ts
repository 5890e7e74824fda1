import { ConfirmPublisher, DaemonContext, DaemonWork } from '@proctor/messaging';
import Docker from 'dockerode';
import { AgentSession } from './agent-session';
import { AgentTimings, DEFAULT_AGENT_TIMINGS } from './agent-timings';
import { AgentExit } from './gateway/agent-exit';
import { GatewayClient } from './gateway/gateway-client';
import { GatewayError } from './gateway/gateway-error';
import { JobRunnerTuning } from './jobs/job-run';
import { jobRunnerConfig } from './jobs/job-runner-config';
import { DEFAULT_CHUNK_BYTES, DEFAULT_CHUNK_DELAY_MS } from './jobs/log-chunker';
import { registerAgent } from './registration/agent-registration';
import { probeCapabilities, ProbeResult } from './registration/capability-probe';
import { daemonVersion } from './registration/daemon-version';

export interface AgentDaemonOptions {
  iperf3Binary?: string;
  timings?: Partial<AgentTimings>;
  jobTuning?: Partial<JobRunnerTuning>;
}

const DEFAULT_JOB_TUNING: JobRunnerTuning = {
  chunkBytes: DEFAULT_CHUNK_BYTES,
  chunkDelayMs: DEFAULT_CHUNK_DELAY_MS,
  maxBufferedLogBytes: 8 * 1024 * 1024,
  confirmTimeoutMs: 10_000,
  finalFlushMs: 5000,
};

/** The configuration list setting that names the storage directories to announce. */
export const STORAGE_PATHS_SETTING = 'storage_paths';

const CONTEXT = 'Agent';

/**
 * agentd's work for the daemon runtime: find its capabilities, register (waiting for the gateway
 * as long as it takes), then run an AgentSession until SIGTERM drains it, or until the gateway
 * says the agent is gone (404) or speaks another version (426), which ends the process non-zero.
 */
export function agentWork(options: AgentDaemonOptions = {}): (context: DaemonContext) => Promise<DaemonWork> {
  return async (context) => {
    const { config, connection, logger } = context;
    const timings: AgentTimings = { ...DEFAULT_AGENT_TIMINGS, ...options.timings };
    const iperf3Binary = options.iperf3Binary ?? 'iperf3';
    const jobs = jobRunnerConfig(config);
    const jobTuning: JobRunnerTuning = { ...DEFAULT_JOB_TUNING, ...options.jobTuning };
    // DOCKER_HOST (unix:// or tcp://) as Docker reads it, else the default socket.
    const docker = new Docker();
    const registering = new AbortController();
    let session: AgentSession | undefined;
    let ending = false;

    const endForGood = (exit: AgentExit): void => {
      if (ending) return;
      ending = true;
      registering.abort();
      logger.error({ msg: 'agent stopping for good', reason: exit.reason, exit_code: exit.code }, CONTEXT);
      void (session?.abort() ?? Promise.resolve()).finally(() => context.exit(exit.code, exit.reason));
    };
    const gateway = new GatewayClient({
      baseUrl: config.gatewayUrl,
      name: config.name,
      key: config.key,
      timeoutMs: timings.gatewayTimeoutMs,
      onAgentExit: endForGood,
    });
    // Reports need a confirm channel from the first connect on; it is rebuilt after each reconnect.
    const publisher = new ConfirmPublisher(connection);
    await publisher.start();

    const probe = async (): Promise<ProbeResult> => {
      const result = await probeCapabilities({
        iperf3Binary,
        storagePaths: config.lists[STORAGE_PATHS_SETTING] ?? [],
        maxJobs: jobs.maxConcurrent,
        ...(process.env.DOCKER_HOST ? { dockerHost: process.env.DOCKER_HOST } : {}),
      });
      for (const problem of result.problems) logger.warn({ msg: 'capability problem', problem }, CONTEXT);
      return result;
    };
    const version = daemonVersion();
    const registrationBody = async () => ({ labels: config.labels, version, capabilities: (await probe()).capabilities });

    const starting = (async () => {
      const body = await registrationBody();
      logger.log({ msg: 'capabilities found', capabilities: body.capabilities }, CONTEXT);
      const registration = await registerAgent(gateway, { ...body, held_tasks: [] }, { logger, signal: registering.signal });
      if (ending) return;
      session = new AgentSession(
        { context, gateway, publisher, timings, iperf3Binary, docker, jobs, jobTuning, registrationBody, probe: async () => (await probe()).capabilities },
        registration,
      );
      await session.start();
    })().catch((e: Error) => {
      if (ending || (e instanceof GatewayError && e.code === 'abandoned')) return;
      endForGood({ code: 1, reason: `agent failed to start: ${e.message}` });
    });

    return {
      async drain() {
        if (ending) return;
        ending = true;
        // Not registered yet: nothing is held and nobody expects a goodbye.
        registering.abort();
        await starting;
        await session?.drain(config.drainTimeoutSeconds * 1000);
      },
    };
  };
}
