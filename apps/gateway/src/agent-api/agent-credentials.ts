import { secretDigest } from '@proctor/auth';
import { AGENT_NAME_PATTERN, CommonErrorCode, ProctorError } from '@proctor/contracts';

export const AGENT_NAME_HEADER = 'x-agent-name';
export const AGENT_KEY_HEADER = 'x-agent-key';

/** What a daemon presents: its name and the SHA-256 of its key (the key itself goes no further than this). */
export interface AgentCredentials {
  name: string;
  keyHash: string;
}

const MAX_KEY_LENGTH = 512;

const refused = (message: string) => new ProctorError(CommonErrorCode.Unauthorized, message);

function single(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? undefined : header;
}

/** Reads `X-AGENT-NAME` and `X-AGENT-KEY`: missing, repeated or malformed is 401 before any call. */
export function readAgentCredentials(headers: Record<string, string | string[] | undefined>): AgentCredentials {
  const name = single(headers[AGENT_NAME_HEADER]);
  const key = single(headers[AGENT_KEY_HEADER]);
  if (!name || !key) throw refused('X-AGENT-NAME and X-AGENT-KEY are required, once each');
  if (name.length > 64 || !AGENT_NAME_PATTERN.test(name)) throw refused('X-AGENT-NAME is not an agent name');
  if (key.length > MAX_KEY_LENGTH) throw refused('X-AGENT-KEY is not an agent key');
  return { name, keyHash: secretDigest(key) };
}

/** The cache key of a credential pair: the name and the key's digest, never the key. */
export function credentialCacheKey(credentials: AgentCredentials): string {
  return `${credentials.name}\n${credentials.keyHash}`;
}
