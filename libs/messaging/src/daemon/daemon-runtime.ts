import { Logger } from '@nestjs/common';
import { ConfigError } from '@proctor/config';
import { JsonLogger, MetricsService, redactUrl } from '@proctor/observability';
import { AmqpConnection } from '../connection/amqp-connection';
import { BrokerNames } from '../topology/broker-names';
import { daemonUsage, DaemonConfig, loadDaemonConfig } from './daemon-config';
import { DaemonDefinition, DaemonWork } from './daemon-definition';
import { closeServer, createDaemonHttpServer, listen } from './daemon-http-server';

/**
 * What a shutdown may take beyond the drain timeout (stopping the last work, its final reports, a
 * goodbye, closing) before the process gives up on a clean exit.
 */
const AFTER_DRAIN_DEADLINE_MS = 20_000;

export interface RunningDaemon {
  /** The port `/healthz` and `/metrics` are served on (the real one when configured as 0). */
  port: number;
  connection: AmqpConnection;
  metrics: MetricsService;
  /** Drains the daemon's work, then closes the HTTP server and the broker connection. */
  stop(): Promise<void>;
  /** Resolves with an exit code when the daemon ended by itself (`DaemonContext.exit`), closed. */
  exited: Promise<number>;
}

/**
 * Starts a daemon: `/healthz` and `/metrics` at once, and the broker connection in the background
 * (it retries with backoff until the broker answers, so a daemon booted before the broker waits
 * for it instead of exiting).
 */
export async function startDaemon(definition: DaemonDefinition, config: DaemonConfig, logger: JsonLogger): Promise<RunningDaemon> {
  const metrics = new MetricsService(definition.daemon);
  const brokerConnected = metrics.gauge('proctor_daemon_broker_connected', '1 while the daemon holds a broker connection, 0 while it reconnects');
  brokerConnected.set(0);

  const connection = new AmqpConnection({ url: config.amqpUrl, name: `${definition.daemon} ${config.name}` });
  await connection.onConnected(async () => {
    brokerConnected.set(1);
    logger.log({ msg: 'broker connected', amqp_url: redactUrl(config.amqpUrl) }, 'Daemon');
  });
  connection.onLost(() => brokerConnected.set(0));

  const server = createDaemonHttpServer(metrics, connection);
  const port = await listen(server, config.port);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= Promise.all([closeServer(server), connection.close()]).then(() => undefined));
  void connection.connect();
  logger.log(
    {
      msg: 'daemon started',
      name: config.name,
      labels: config.labels,
      gateway_url: config.gatewayUrl,
      amqp_url: redactUrl(config.amqpUrl),
      namespace: config.namespace,
      port,
      config_file: config.configFile ?? null,
    },
    'Daemon',
  );

  let exitWith: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (exitWith = resolve));
  let work: DaemonWork | undefined;
  if (definition.work) {
    work = await definition.work({
      config,
      connection,
      names: new BrokerNames(config.namespace),
      metrics,
      logger,
      exit(code, reason) {
        logger.error({ msg: 'daemon exiting', reason, exit_code: code }, 'Daemon');
        void close().then(
          () => exitWith(code),
          () => exitWith(code),
        );
      },
    });
  }

  return {
    port,
    connection,
    metrics,
    exited,
    async stop() {
      if (!closing) await work?.drain();
      await close();
    },
  };
}

/**
 * A daemon's `main`: read and validate its configuration (a bad value stops it with one line
 * naming it), start, and on SIGTERM or SIGINT close the connection and the HTTP server and exit 0.
 */
export async function runDaemon(definition: DaemonDefinition, argv: string[] = process.argv.slice(2)): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(daemonUsage(definition));
    return;
  }
  let config: DaemonConfig;
  try {
    config = loadDaemonConfig(definition, argv);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${definition.daemon}: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }

  const logger = new JsonLogger(definition.daemon, config.logLevel);
  // The shared messaging code logs through Nest's Logger: make those lines JSON as well.
  Logger.overrideLogger(logger);
  let daemon: RunningDaemon;
  try {
    daemon = await startDaemon(definition, config, logger);
  } catch (e) {
    logger.fatal({ msg: 'daemon failed to start', error: (e as Error).message }, 'Daemon');
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ msg: 'second signal during shutdown, exiting now', signal }, 'Daemon');
      process.exit(1);
    }
    stopping = true;
    logger.log({ msg: 'shutting down', signal }, 'Daemon');
    // The work drains for up to its drain timeout; closing after that is quick.
    const deadlineMs = (definition.drainSeconds?.(config) ?? config.drainTimeoutSeconds) * 1000 + AFTER_DRAIN_DEADLINE_MS;
    setTimeout(() => {
      logger.error({ msg: 'shutdown took too long, exiting', deadline_ms: deadlineMs }, 'Daemon');
      process.exit(1);
    }, deadlineMs).unref();
    daemon.stop().then(
      () => {
        logger.log({ msg: 'daemon stopped' }, 'Daemon');
        // Exit explicitly: a broker connect still in flight would otherwise keep the process alive.
        process.exit(0);
      },
      (e: Error) => {
        logger.error({ msg: 'shutdown failed', error: e.message }, 'Daemon');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  void daemon.exited.then((code) => process.exit(code));
}
