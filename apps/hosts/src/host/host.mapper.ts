import { HostView } from '@proctor/contracts';
import { Host } from './host.entity';

export function toHostView(host: Host): HostView {
  return {
    id: host.id,
    host_name: host.host_name,
    host_url: host.host_url,
    capabilities: host.capabilities,
    status: host.status,
    last_ping: host.last_ping?.toISOString() ?? null,
    created_at: host.created_at.toISOString(),
  };
}
