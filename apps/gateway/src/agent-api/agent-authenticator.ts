import { AgentsRpc, AuthenticateAgentRequest, AuthenticatedAgent } from '@proctor/contracts';
import { TtlLruCache } from '../fleet-api/ttl-lru-cache';
import { ServiceCaller } from '../http/service-caller';
import { AgentCredentials, credentialCacheKey } from './agent-credentials';

export interface AgentAuthSettings {
  /** How long a positive answer is reused (0: ask every time); a deleted agent may pass this long. */
  cacheTtlMs: number;
  cacheMaxEntries: number;
}

/**
 * Which agent a daemon is: `agents.authenticate` with the key's SHA-256, positive answers cached
 * briefly in a bounded LRU (heartbeats every 5 s would otherwise each cost a call); negative ones
 * never (a daemon fixed by its operator is let in at once). The service's 404 (deleted: exit) and
 * 401 (wrong key) pass through as they are.
 */
export class AgentAuthenticator {
  private readonly cache: TtlLruCache<string, AuthenticatedAgent>;

  constructor(
    private readonly services: ServiceCaller,
    private readonly settings: AgentAuthSettings,
  ) {
    this.cache = new TtlLruCache(settings.cacheMaxEntries);
  }

  async authenticate(credentials: AgentCredentials): Promise<AuthenticatedAgent> {
    const cacheKey = credentialCacheKey(credentials);
    const hit = this.cache.lookup(cacheKey);
    if (hit) return hit.value;
    const request: AuthenticateAgentRequest = { name: credentials.name, key_hash: credentials.keyHash };
    const agent = await this.services.call<AuthenticatedAgent>(AgentsRpc.Authenticate, request);
    if (this.settings.cacheTtlMs > 0) this.cache.set(cacheKey, agent, this.settings.cacheTtlMs);
    return agent;
  }
}
