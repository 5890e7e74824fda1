/** Every delay and limit of agentd in one place; tests shorten some. */
export interface AgentTimings {
  /** Not consuming for this long: claim tasks over HTTP. */
  brokerGraceMs: number;
  /** Between two claims over HTTP. */
  claimIntervalMs: number;
  /** Between SIGTERM and SIGKILL for an iperf3 being stopped. */
  killGraceMs: number;
  /** Commands in hand at once. */
  prefetch: number;
  /** How long a report publish waits for the broker's confirm before it goes over HTTP. */
  confirmTimeoutMs: number;
  /** At drain, how long queued reports may take to get out once the tasks have ended. */
  reportFlushMs: number;
  /** At drain, for the `disconnecting` heartbeat. */
  goodbyeTimeoutMs: number;
  /** Capabilities are checked again this often and sent with the next heartbeat. */
  capabilityRefreshMs: number;
  /** Per attempt of a gateway call. */
  gatewayTimeoutMs: number;
}

/**
 * After the drain timeout, stopping the last tasks (kill grace), flushing reports and the goodbye
 * take at most ~15 s, within the 20 s the daemon runtime allows after draining.
 */
export const DEFAULT_AGENT_TIMINGS: AgentTimings = {
  brokerGraceMs: 5000,
  claimIntervalMs: 2000,
  killGraceMs: 3000,
  prefetch: 4,
  confirmTimeoutMs: 10_000,
  reportFlushMs: 8000,
  goodbyeTimeoutMs: 4000,
  capabilityRefreshMs: 10 * 60_000,
  gatewayTimeoutMs: 10_000,
};
