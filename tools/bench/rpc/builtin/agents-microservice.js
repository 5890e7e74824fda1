// The comparison service of tools/bench/rpc: a plain Nest microservice on the built-in
// @nestjs/microservices RMQ transport, serving `agents.get` with the same read as Proctor's agents
// service (one row of agents.agents by id, through a pg Pool of 10, mapped to the same view).
// Plain JS: the decorators are applied by hand. Started by rpc-bench.js with
//   DATABASE_URL (the agents role of the bench database), AMQP_URL, BUILTIN_QUEUE,
//   NODE_PATH (where amqp-connection-manager is installed: tools/bench/rpc/builtin/node_modules)
// and prints READY once it consumes.
'use strict';
require('reflect-metadata');
const { Controller, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Ctx, MessagePattern, Payload, RpcException, Transport } = require('@nestjs/microservices');
const { Pool } = require('pg');
const { rmqOptions } = require('./rmq-options');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10, application_name: 'bench-builtin-agents' });
pool.on('error', () => undefined);

const SELECT_AGENT = `SELECT id, name, status, labels, capabilities, last_heartbeat, created_at, updated_at
  FROM agents.agents WHERE id = $1`;

class AgentsMessageController {
  async get(request, context) {
    try {
      const { rows } = await pool.query(SELECT_AGENT, [request.id]);
      const agent = rows[0];
      if (!agent) throw new RpcException({ code: 'agent_not_found', message: `no agent with id ${request.id}` });
      return {
        id: agent.id,
        name: agent.name,
        status: agent.status,
        labels: agent.labels,
        capabilities: agent.capabilities,
        last_heartbeat: agent.last_heartbeat ? agent.last_heartbeat.toISOString() : null,
        created_at: agent.created_at.toISOString(),
        updated_at: agent.updated_at.toISOString(),
      };
    } finally {
      // noAck: false, as Proctor's transport: the request is acked once handled.
      context.getChannelRef().ack(context.getMessage());
    }
  }
}
const proto = AgentsMessageController.prototype;
Reflect.defineMetadata('design:paramtypes', [Object, Object], proto, 'get');
Payload()(proto, 'get', 0);
Ctx()(proto, 'get', 1);
Object.defineProperty(proto, 'get', MessagePattern('agents.get')(proto, 'get', Object.getOwnPropertyDescriptor(proto, 'get')) ?? Object.getOwnPropertyDescriptor(proto, 'get'));
Controller()(AgentsMessageController);

class BuiltinAgentsModule {}
Module({ controllers: [AgentsMessageController] })(BuiltinAgentsModule);

async function main() {
  const app = await NestFactory.createMicroservice(BuiltinAgentsModule, {
    transport: Transport.RMQ,
    options: { ...rmqOptions(), noAck: false, prefetchCount: 50 },
    logger: ['error', 'warn'],
  });
  await app.listen();
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    void app
      .close()
      .then(() => pool.end())
      .finally(() => process.exit(0));
  });
  process.stdout.write('READY\n');
}

main().catch((e) => {
  process.stderr.write(`builtin agents microservice: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
