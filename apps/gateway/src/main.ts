import 'reflect-metadata';
import { ConfigError, EnvReader } from '@proctor/config';
import { JsonLogger } from '@proctor/observability';
import { migrateOnly, portOf, stopOnSignals } from '@proctor/messaging';
import { startGateway } from './gateway-bootstrap';
import { GatewayConfig, readGatewayConfig } from './gateway-config';
import { GATEWAY_ENTITIES, GATEWAY_MIGRATIONS } from './gateway.module';

async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = readGatewayConfig(new EnvReader());
  } catch (e) {
    process.stderr.write(`gateway: ${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
    process.exit(1);
  }
  const logger = new JsonLogger('gateway', config.logLevel);
  for (const variable of config.developmentDefaults) {
    logger.warn(
      { msg: `DEVELOPMENT DEFAULT IN USE: ${variable} is not set and a publicly known value stands in. Set ${variable} before exposing this gateway.`, variable },
      'Config',
    );
  }
  try {
    if (process.argv[2] === 'migrate') {
      await migrateOnly({ service: 'gateway', entities: GATEWAY_ENTITIES, migrations: GATEWAY_MIGRATIONS }, config, logger);
      return;
    }
    const app = await startGateway(config, logger);
    stopOnSignals(app, logger);
    logger.log({ msg: 'gateway ready', url: `http://127.0.0.1:${portOf(app)}`, docs: `http://127.0.0.1:${portOf(app)}/docs` }, 'Bootstrap');
  } catch (e) {
    logger.fatal({ msg: 'gateway failed to start', error: (e as Error).message, stack: (e as Error).stack }, 'Bootstrap');
    process.exit(1);
  }
}

void main();
