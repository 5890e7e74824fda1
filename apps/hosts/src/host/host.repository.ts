import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { HostStatus } from '@proctor/contracts';
import { applyKeyset } from '@proctor/persistence';
import { EntityManager, Repository } from 'typeorm';
import { Host } from './host.entity';

@Injectable()
export class HostRepository {
  constructor(@InjectRepository(Host) private readonly hosts: Repository<Host>) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.hosts.manager.transaction(work);
  }

  findById(id: string): Promise<Host | null> {
    return this.hosts.findOneBy({ id });
  }

  /**
   * Inserts the host, or, when its name is known, takes its new URL (and capabilities, when sent)
   * and makes it available again: a host registers at every start, having dropped what it held.
   */
  async upsertByName(
    manager: EntityManager,
    host: { host_name: string; host_url: string; capabilities: string[] | null },
  ): Promise<{ host: Host; inserted: boolean }> {
    const rows: (Host & { inserted: boolean })[] = await manager.query(
      `INSERT INTO hosts (host_name, host_url, capabilities) VALUES ($1, $2, COALESCE($3::text[], '{}'))
       ON CONFLICT (host_name) DO UPDATE SET
         host_url = EXCLUDED.host_url,
         capabilities = COALESCE($3::text[], hosts.capabilities),
         status = 'available'
       RETURNING *, (xmax = 0) AS inserted`,
      [host.host_name, host.host_url, host.capabilities],
    );
    const { inserted, ...row } = rows[0];
    return { host: manager.create(Host, row), inserted };
  }

  /** One page, newest first, optionally of one status; `size + 1` rows to tell if more follow. */
  listPage(filter: { status?: HostStatus }, cursor: string | undefined, size: number): Promise<Host[]> {
    const qb = this.hosts.createQueryBuilder('h');
    if (filter.status) qb.where('h.status = :status', { status: filter.status });
    return applyKeyset(qb, { alias: 'h', timeColumn: 'created_at', idColumn: 'id', cursor, size }).getMany();
  }
}
