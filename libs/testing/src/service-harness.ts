import { INestApplication } from '@nestjs/common';
import { EnvReader, readServiceConfig, ServiceConfig } from '@proctor/config';
import { AmqpConnection, BrokerNames, portOf, RpcClient, ServiceDefinition, startServiceApp } from '@proctor/messaging';
import { JsonLogger } from '@proctor/observability';
import { TEST_AMQP_URL } from './test-broker';
import { TestDatabase } from './test-database';

export interface RunningService {
  app: INestApplication;
  port: number;
  config: ServiceConfig;
  stop(): Promise<void>;
}

/**
 * Boots a real service in this process against a test database and broker namespace, exactly as
 * its main would (migrations, consumers, outbox relay, HTTP health port on a free port).
 */
export async function startService(
  definition: ServiceDefinition,
  options: { db: TestDatabase; namespace: string; env?: Record<string, string> },
): Promise<RunningService> {
  // One reader for the shared variables and the service's own (`options.env` reaches both).
  const env = new EnvReader({
    PORT: '0',
    DATABASE_URL: options.db.urlFor(definition.service),
    AMQP_URL: TEST_AMQP_URL,
    PROCTOR_NAMESPACE: options.namespace,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...options.env,
  });
  const config = readServiceConfig(env, 0);
  const logger = new JsonLogger(definition.service, config.logLevel);
  const app = await startServiceApp(definition, config, logger, env);
  return { app, port: portOf(app), config, stop: () => app.close() };
}

/** The broker names a set of services declares under a namespace, for deleting after a test. */
/** An RPC client of its own on the test broker, as the gateway would call. */
export async function startRpcClient(namespace: string): Promise<{ rpc: RpcClient; close(): Promise<void> }> {
  const connection = new AmqpConnection({ url: TEST_AMQP_URL, name: 'test-client' });
  const rpc = new RpcClient(connection, new BrokerNames(namespace));
  await rpc.start();
  await connection.connect();
  return { rpc, close: () => connection.close() };
}

export function namespaceBrokerNames(namespace: string, services: string[]): { queues: string[]; exchanges: string[] } {
  const n = new BrokerNames(namespace);
  const queues = [n.unroutedQueue];
  for (const s of services) {
    queues.push(n.rpcQueue(s), n.eventsQueue(s), n.deadQueue(n.eventsQueue(s)));
  }
  return {
    queues,
    exchanges: [n.rpcExchange, n.eventsExchange, n.unroutedExchange, n.deadLetterExchange, n.agentsExchange, n.hostsExchange, n.reportsExchange, n.logsExchange],
  };
}
