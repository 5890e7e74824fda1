import { secretDigest } from '@proctor/auth';
import { AgentsEvent, AgentsRpc, AgentView, AuthenticatedAgent, CreatedAgentView, Page, ProctorError } from '@proctor/contracts';
import { serviceTest } from '@proctor/testing';
import { pendingSchemaChanges } from '@proctor/persistence';
import { DataSource } from 'typeorm';
import { AGENTS_SERVICE } from '../agents.service-definition';

describe('agents service over RPC (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(AGENTS_SERVICE);

  it('creates an agent, shows its key once and stores only its SHA-256', async () => {
    const created = await ctx.rpc.call<CreatedAgentView>(AgentsRpc.Create, { name: 'lab-a1', labels: { rack: '3' } });
    expect(created).toMatchObject({ name: 'lab-a1', status: 'offline', labels: { rack: '3' } });
    expect(created.key).toMatch(/^pak_/);
    const [row] = await ctx.db.query<{ key_sha256: string }>('SELECT key_sha256 FROM agents.agents WHERE id = $1', [created.id]);
    expect(row.key_sha256).toBe(secretDigest(created.key));
    const fetched = await ctx.rpc.call<AgentView>(AgentsRpc.Get, { id: created.id });
    expect(fetched).not.toHaveProperty('key');
    expect(fetched).not.toHaveProperty('key_sha256');
  });

  it('authenticates a name and key digest: the agent, agent_key_invalid for a wrong key, agent_not_found for an unknown name', async () => {
    const created = await ctx.rpc.call<CreatedAgentView>(AgentsRpc.Create, { name: 'lab-auth' });
    const ok = await ctx.rpc.call<AuthenticatedAgent>(AgentsRpc.Authenticate, { name: 'lab-auth', key_hash: secretDigest(created.key) });
    expect(ok).toEqual({ agent_id: created.id, name: 'lab-auth' });
    const wrong = (await ctx.rpc.call(AgentsRpc.Authenticate, { name: 'lab-auth', key_hash: secretDigest('pak_guess') }).catch((e: unknown) => e)) as ProctorError;
    expect(wrong.code).toBe('agent_key_invalid');
    const unknown = (await ctx.rpc.call(AgentsRpc.Authenticate, { name: 'lab-nobody', key_hash: secretDigest(created.key) }).catch((e: unknown) => e)) as ProctorError;
    expect(unknown.code).toBe('agent_not_found');
    const malformed = (await ctx.rpc.call(AgentsRpc.Authenticate, { name: 'lab-auth', key_hash: created.key }).catch((e: unknown) => e)) as ProctorError;
    expect(malformed.code).toBe('validation_failed');
  });

  it('writes the created event to the outbox in the same transaction', async () => {
    const created = await ctx.rpc.call<CreatedAgentView>(AgentsRpc.Create, { name: 'lab-outbox' });
    const rows = await ctx.db.query<{ routing_key: string; payload: { agent_id: string } }>(
      `SELECT routing_key, payload FROM agents.outbox WHERE payload->>'agent_id' = $1`,
      [created.id],
    );
    expect(rows).toEqual([{ routing_key: AgentsEvent.Created, payload: { agent_id: created.id, name: 'lab-outbox', labels: {} } }]);
  });

  it('refuses a duplicate name with agent_name_taken and changes nothing', async () => {
    await ctx.rpc.call(AgentsRpc.Create, { name: 'lab-dup' });
    const error = await ctx.rpc.call(AgentsRpc.Create, { name: 'lab-dup' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProctorError);
    expect((error as ProctorError).code).toBe('agent_name_taken');
    const rows = await ctx.db.query(`SELECT 1 FROM agents.agents WHERE name = 'lab-dup'`);
    expect(rows).toHaveLength(1);
  });

  it('answers validation_failed for a bad payload, naming the field', async () => {
    const error = (await ctx.rpc.call(AgentsRpc.Create, { name: '' }).catch((e: unknown) => e)) as ProctorError;
    expect(error.code).toBe('validation_failed');
    expect(Object.keys((error.details as { fields: object }).fields)).toEqual(['name']);
  });

  it('lists newest first with cursor pagination and a status filter', async () => {
    for (const n of [1, 2, 3]) {
      await ctx.rpc.call(AgentsRpc.Create, { name: `lab-page-${n}` });
      await new Promise((r) => setTimeout(r, 3)); // distinct creation times, so "newest first" is defined
    }
    const first = await ctx.rpc.call<Page<AgentView>>(AgentsRpc.List, { limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).not.toBeNull();
    const second = await ctx.rpc.call<Page<AgentView>>(AgentsRpc.List, { limit: 2, cursor: first.next_cursor });
    const seen = [...first.items, ...second.items].map((a) => a.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(first.items[0].name).toBe('lab-page-3');
    const online = await ctx.rpc.call<Page<AgentView>>(AgentsRpc.List, { status: 'online' });
    expect(online.items).toEqual([]);
  });

  it('deletes an agent, after which it is not found', async () => {
    const created = await ctx.rpc.call<CreatedAgentView>(AgentsRpc.Create, { name: 'lab-gone' });
    await ctx.rpc.call(AgentsRpc.Delete, { id: created.id });
    const error = (await ctx.rpc.call(AgentsRpc.Get, { id: created.id }).catch((e: unknown) => e)) as ProctorError;
    expect(error.code).toBe('agent_not_found');
  });

  it('cannot read another service schema: Postgres enforces the boundary', async () => {
    await ctx.db.query('CREATE SCHEMA IF NOT EXISTS exercises');
    await ctx.db.query('CREATE TABLE IF NOT EXISTS exercises.secret (x int)');
    const { Client } = await import('pg');
    const asAgents = new Client({ connectionString: ctx.db.urlFor('agents') });
    await asAgents.connect();
    await expect(asAgents.query('SELECT * FROM exercises.secret')).rejects.toThrow(/permission denied/);
    await asAgents.end();
  });

  it('has migrations that match its entities', async () => {
    expect(await pendingSchemaChanges(ctx.service.app.get(DataSource))).toEqual([]);
  });
});
