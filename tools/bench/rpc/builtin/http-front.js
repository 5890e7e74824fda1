// The comparison front of tools/bench/rpc: a minimal Nest Fastify app whose GET /agents/:id does
// `await firstValueFrom(client.send('agents.get', { id }))` on a built-in RMQ ClientProxy and
// answers the JSON. No auth, no validation, no rate limit (Proctor's gateway does all three).
// Plain JS: the decorators are applied by hand. Started by rpc-bench.js with
//   PORT, AMQP_URL, BUILTIN_QUEUE, NODE_PATH (see agents-microservice.js); prints READY.
'use strict';
require('reflect-metadata');
const { Controller, Get, Inject, Module, NotFoundException, Param } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { ClientsModule, Transport } = require('@nestjs/microservices');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { firstValueFrom } = require('rxjs');
const { rmqOptions } = require('./rmq-options');

const AGENTS = 'AGENTS_CLIENT';

class AgentsHttpController {
  constructor(client) {
    this.client = client;
  }

  async get(id) {
    try {
      return await firstValueFrom(this.client.send('agents.get', { id }));
    } catch (e) {
      if (e && e.code === 'agent_not_found') throw new NotFoundException(e.message);
      throw e;
    }
  }
}
Inject(AGENTS)(AgentsHttpController, undefined, 0);
const proto = AgentsHttpController.prototype;
Reflect.defineMetadata('design:paramtypes', [String], proto, 'get');
Param('id')(proto, 'get', 0);
Object.defineProperty(proto, 'get', Get(':id')(proto, 'get', Object.getOwnPropertyDescriptor(proto, 'get')) ?? Object.getOwnPropertyDescriptor(proto, 'get'));
Controller('agents')(AgentsHttpController);

class BuiltinFrontModule {}
Module({
  imports: [ClientsModule.register([{ name: AGENTS, transport: Transport.RMQ, options: rmqOptions() }])],
  controllers: [AgentsHttpController],
})(BuiltinFrontModule);

async function main() {
  const app = await NestFactory.create(BuiltinFrontModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.get(AGENTS).connect();
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT || 0), '127.0.0.1');
  process.stdout.write('READY\n');
}

main().catch((e) => {
  process.stderr.write(`builtin http front: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
