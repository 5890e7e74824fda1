import { Injectable, Logger } from '@nestjs/common';
import { HostErrorCode, HostRegisteredEvent, HostsEvent, HostView, ListHostsRequest, Page, ProctorError, RegisterHostRequest } from '@proctor/contracts';
import { OutboxWriter, pageSize, toPage } from '@proctor/persistence';
import { toHostView } from './host.mapper';
import { HostRepository } from './host.repository';

@Injectable()
export class HostService {
  private readonly logger = new Logger(HostService.name);

  constructor(
    private readonly hosts: HostRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Registers a host by name, or registers it again after a restart (same name, same id). Each
   * registration is announced, so that consumers learn a new URL.
   */
  async register(request: RegisterHostRequest): Promise<HostView> {
    const { host, inserted } = await this.hosts.transaction(async (manager) => {
      const registered = await this.hosts.upsertByName(manager, {
        host_name: request.host_name,
        host_url: request.host_url,
        capabilities: request.capabilities ?? null,
      });
      const event: HostRegisteredEvent = { host_id: registered.host.id, host_name: registered.host.host_name };
      await this.outbox.add(manager, HostsEvent.Registered, event);
      return registered;
    });
    this.logger.log({ msg: inserted ? 'host registered' : 'host registered again', host_id: host.id, host_name: host.host_name });
    return toHostView(host);
  }

  async get(id: string): Promise<HostView> {
    const host = await this.hosts.findById(id);
    if (!host) throw new ProctorError(HostErrorCode.NotFound, `no host with id ${id}`, { id });
    return toHostView(host);
  }

  async list(request: ListHostsRequest): Promise<Page<HostView>> {
    const size = pageSize(request.limit);
    const rows = await this.hosts.listPage({ status: request.status }, request.cursor, size);
    return toPage(rows, size, (h) => ({ at: h.created_at, id: h.id }), toHostView);
  }
}
