import { PortRange } from '../exercises-config';

export interface PortRequest {
  /** Who gets the port (a server task). */
  taskId: string;
  agentId: string;
}

export type PortAllocation = { ok: true; ports: Map<string, number> } | { ok: false; agentId: string; wanted: number; free: number };

/**
 * Gives every server task the lowest port of the range that its agent has not reserved (in use
 * already, or given to an earlier request of the same call). All or nothing: when one agent runs
 * out, it says which, and how many it lacked. The partial unique index on active reservations is the
 * guarantee; this only picks ports that should be free.
 */
export function allocatePorts(requests: PortRequest[], inUse: ReadonlyMap<string, ReadonlySet<number>>, range: PortRange): PortAllocation {
  const taken = new Map<string, Set<number>>();
  const ports = new Map<string, number>();
  const next = new Map<string, number>();
  for (const request of requests) {
    let used = taken.get(request.agentId);
    if (!used) taken.set(request.agentId, (used = new Set(inUse.get(request.agentId) ?? [])));
    let port = next.get(request.agentId) ?? range.first;
    while (port <= range.last && used.has(port)) port++;
    if (port > range.last) {
      const wanted = requests.filter((r) => r.agentId === request.agentId).length;
      const free = range.last - range.first + 1 - [...(inUse.get(request.agentId) ?? [])].filter((p) => p >= range.first && p <= range.last).length;
      return { ok: false, agentId: request.agentId, wanted, free };
    }
    used.add(port);
    next.set(request.agentId, port + 1);
    ports.set(request.taskId, port);
  }
  return { ok: true, ports };
}
