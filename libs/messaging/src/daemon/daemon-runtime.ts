import { Logger } from '@nestjs/common';
import { ConfigError } from '@proctor/config';
import { JsonLogger, MetricsService, redactUrl } from '@proctor/observability';
import { AmqpConnection } from '../connection/amqp-connection';
import { daemonUsage, DaemonConfig, loadDaemonConfig } from './daemon-config';
import { DaemonDefinition } from './daemon-definition';
import { closeServer, createDaemonHttpServer, listen } from './daemon-http-server';

/** How long a shutdown may take before the process gives up on closing cleanly. */
const SHUTDOWN_DEADLINE_MS = 10_000;

export interface RunningDaemon {
  /** The port `/healthz` and `/metrics` are served on (the real one when configured as 0). */
  port: number;
  connection: AmqpConnection;
  metrics: MetricsService;
  /** Closes the HTTP server and the broker connection. */
  stop(): Promise<void>;
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

  return {
    port,
    connection,
    metrics,
    async stop() {
      await Promise.all([closeServer(server), connection.close()]);
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
    setTimeout(() => {
      logger.error({ msg: 'shutdown took too long, exiting', deadline_ms: SHUTDOWN_DEADLINE_MS }, 'Daemon');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
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
}
