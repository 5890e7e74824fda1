import { AGENT_ID_HEADER } from '@proctor/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The agents a batch of reports shows alive: the `x-agent-id` header of each, once per agent. A
 * report without the header, or with something that is not an agent id, shows nothing (the report
 * itself is the owning service's business, not ours).
 */
export function agentsAlive(headers: Record<string, unknown>[]): string[] {
  const ids = new Set<string>();
  for (const h of headers) {
    const raw = h[AGENT_ID_HEADER];
    const id = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
    if (typeof id === 'string' && UUID.test(id)) ids.add(id.toLowerCase());
  }
  return [...ids];
}
