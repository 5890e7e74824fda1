import { digestsMatch, generateSecret, secretDigest } from '@proctor/auth';

export const AGENT_KEY_PREFIX = 'pak_';

/** A new agent key (32 random bytes) and the only thing kept of it, its SHA-256. */
export function issueAgentKey(): { key: string; sha256: string } {
  const key = generateSecret(AGENT_KEY_PREFIX);
  return { key, sha256: secretDigest(key) };
}

export type AgentKeyCheck<A> = { outcome: 'ok'; agent: A } | { outcome: 'unknown_agent' } | { outcome: 'wrong_key' };

/**
 * Whether a presented key digest opens the agent of that name: unknown (deleted: its daemon must
 * exit), wrong key, or ok. The digests are compared in constant time.
 */
export function checkAgentKey<A extends { key_sha256: string }>(stored: A | null, presentedSha256: string): AgentKeyCheck<A> {
  if (!stored) return { outcome: 'unknown_agent' };
  return digestsMatch(presentedSha256, stored.key_sha256) ? { outcome: 'ok', agent: stored } : { outcome: 'wrong_key' };
}
