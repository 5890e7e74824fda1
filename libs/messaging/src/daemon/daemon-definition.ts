import type { JsonLogger, MetricsService } from '@proctor/observability';
import type { AmqpConnection } from '../connection/amqp-connection';
import type { BrokerNames } from '../topology/broker-names';
import type { DaemonConfig } from './daemon-config';

/**
 * A setting only one daemon has, holding a list of strings: a sequence (or `a,b`) in the file,
 * `a,b` in its variable and flag. Its names derive from the file key: `storage_paths` gives
 * `<PREFIX>_STORAGE_PATHS` and `--storage-paths`.
 */
export interface DaemonListSetting {
  file: string;
  help: string;
}

/**
 * A single-valued setting only one daemon has: a whole number within bounds, or a string. A dot in
 * its file key nests it under a mapping in the file (`jobs.max_concurrent` is `max_concurrent`
 * under `jobs:`); its variable and flag derive from the key (`<PREFIX>_JOBS_MAX_CONCURRENT`,
 * `--jobs-max-concurrent`). Its value is in `DaemonConfig.settings` under the file key.
 */
export type DaemonSetting =
  | { file: string; help: string; type: 'int'; default: number; min: number; max: number }
  | { file: string; help: string; type: 'string'; default: string; pattern?: RegExp; patternHelp?: string };

/** What a daemon's work is given when it starts. */
export interface DaemonContext {
  config: DaemonConfig;
  connection: AmqpConnection;
  names: BrokerNames;
  metrics: MetricsService;
  logger: JsonLogger;
  /**
   * Ends the daemon with this exit code, for what a restart cannot fix (its agent was deleted, the
   * server speaks another protocol version). The work has already stopped what it runs.
   */
  exit(code: number, reason: string): void;
}

/** A daemon's running work: what it does between connecting and closing. */
export interface DaemonWork {
  /**
   * On SIGTERM: stop taking work, let what it holds finish (or hand it back) within the drain
   * timeout, say goodbye. The runtime closes the broker connection and the HTTP server afterwards.
   */
  drain(): Promise<void>;
}

/** What makes one daemon (agentd, hostd): its name and where its configuration lives. */
export interface DaemonDefinition {
  /** The process name: the `service` of its log lines and metrics, and its broker connection name. */
  daemon: string;
  /** One line for `--help`. */
  description: string;
  /** Prefix of its own environment variables: `AGENTD` gives AGENTD_NAME, AGENTD_KEY, AGENTD_CONFIG... */
  envPrefix: string;
  /** Read when neither `--config` nor `<PREFIX>_CONFIG` names a file, and only if it exists. */
  defaultConfigPath: string;
  /** Settings of this daemon alone; their values are in `DaemonConfig.lists` under their file key. */
  listSettings?: DaemonListSetting[];
  /** Single-valued settings of this daemon alone; their values are in `DaemonConfig.settings`. */
  settings?: DaemonSetting[];
  /**
   * How long its drain may take at most, when that is more than `drainTimeoutSeconds` (work with a
   * drain limit of its own); the process gives up on a clean exit 20 s after it.
   */
  drainSeconds?: (config: DaemonConfig) => number;
  /** Starts the daemon's work once its HTTP server listens and the broker connection is under way. */
  work?: (context: DaemonContext) => Promise<DaemonWork>;
}
