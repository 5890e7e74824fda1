import { BrokerNames, RpcClient, ServiceDefinition } from '@proctor/messaging';
import { namespaceBrokerNames, RunningService, startRpcClient, startService } from './service-harness';
import { deleteBrokerNames, testNamespace } from './test-broker';
import { createTestDatabase, TestDatabase } from './test-database';

export interface ServiceTestOptions {
  /** Schemas to provision besides the service's own. */
  schemas?: string[];
  /** Environment for the service, over the test defaults (`startService`). */
  env?: Record<string, string>;
  /** Start an RPC client on the namespace, as the gateway calls (default true). */
  rpc?: boolean;
  /**
   * Queues a spec declares itself beyond the standard ones (`namespaceBrokerNames`) and the
   * service definition's `ownQueues`: deleted after the tests, each with its dead-letter queue.
   */
  queues?: (names: BrokerNames) => string[];
}

/**
 * What `serviceTest` sets up. `namespace` and `names` are there at once; `db`, `service` and `rpc`
 * are filled in by its `beforeAll`, so they are valid only inside tests and hooks (reading one
 * before, in a describe body, throws).
 */
export interface ServiceTestContext {
  readonly namespace: string;
  readonly names: BrokerNames;
  readonly db: TestDatabase;
  /**
   * The running service. A test that restarts it assigns the new one here, and one that leaves it
   * stopped assigns undefined: `afterAll` stops what is assigned last.
   */
  get service(): RunningService;
  set service(running: RunningService | undefined);
  readonly rpc: RpcClient;
}

/**
 * The set-up and tear-down of one service's integration test file, registered as Jest hooks where
 * it is called (in a describe body): `beforeAll` makes a namespace's database with the service's
 * schema, starts the service and an RPC client; `afterAll` closes the client, stops the service,
 * drops the database and deletes the namespace's queues and exchanges. A spec's own hooks declared
 * after the call run after these (Jest runs `beforeAll` and `afterAll` in the order declared).
 */
export function serviceTest(definition: ServiceDefinition, options: ServiceTestOptions = {}): ServiceTestContext {
  const namespace = testNamespace();
  const names = new BrokerNames(namespace);
  let db: TestDatabase | undefined;
  let service: RunningService | undefined;
  let client: { rpc: RpcClient; close(): Promise<void> } | undefined;

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`serviceTest: no ${what} now (it is set in beforeAll: read it inside tests and hooks)`);
    return value;
  };

  beforeAll(async () => {
    db = await createTestDatabase([definition.service, ...(options.schemas ?? [])]);
    service = await startService(definition, { db, namespace, env: options.env });
    if (options.rpc ?? true) client = await startRpcClient(namespace);
  });

  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await db?.drop();
    const standard = namespaceBrokerNames(namespace, [definition.service]);
    const own = new Set([...(definition.ownQueues?.(names) ?? []), ...(options.queues?.(names) ?? [])]);
    const queues = [...own].flatMap((q) => [q, names.deadQueue(q)]);
    await deleteBrokerNames([...standard.queues, ...queues], standard.exchanges);
  });

  return {
    namespace,
    names,
    get db() {
      return ready(db, 'db');
    },
    get service(): RunningService {
      return ready(service, 'running service');
    },
    set service(running: RunningService | undefined) {
      service = running;
    },
    get rpc() {
      if (options.rpc === false) throw new Error('serviceTest: no RPC client, as asked with { rpc: false }');
      return ready(client, 'RPC client').rpc;
    },
  };
}
