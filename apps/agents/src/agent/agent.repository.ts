import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AgentStatus } from '@proctor/contracts';
import { applyKeyset } from '@proctor/persistence';
import { EntityManager, Repository } from 'typeorm';
import { Agent } from './agent.entity';

@Injectable()
export class AgentRepository {
  constructor(@InjectRepository(Agent) private readonly agents: Repository<Agent>) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.agents.manager.transaction(work);
  }

  /** Plain SQL: the hottest read of the service, where the query builder's overhead showed. */
  async findById(id: string): Promise<Agent | null> {
    const rows: Agent[] = await this.agents.query('SELECT * FROM agents WHERE id = $1', [id]);
    return rows[0] ? this.agents.create(rows[0]) : null;
  }

  /** Inserts unless the name is taken; returns null when it is. */
  async insertIfNameFree(manager: EntityManager, agent: Pick<Agent, 'name' | 'key_hash' | 'labels'>): Promise<Agent | null> {
    const rows: Agent[] = await manager.query(
      `INSERT INTO agents (name, key_hash, labels) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO NOTHING RETURNING *`,
      [agent.name, agent.key_hash, agent.labels],
    );
    return rows[0] ? manager.create(Agent, rows[0]) : null;
  }

  async deleteById(manager: EntityManager, id: string): Promise<Agent | null> {
    const agent = await manager.findOneBy(Agent, { id });
    if (!agent) return null;
    await manager.delete(Agent, { id });
    return agent;
  }

  /** One page, newest first, optionally of one status; `size + 1` rows to tell if more follow. */
  listPage(filter: { status?: AgentStatus }, cursor: string | undefined, size: number): Promise<Agent[]> {
    const qb = this.agents.createQueryBuilder('a');
    if (filter.status) qb.where('a.status = :status', { status: filter.status });
    return applyKeyset(qb, { alias: 'a', timeColumn: 'created_at', idColumn: 'id', cursor, size }).getMany();
  }
}
