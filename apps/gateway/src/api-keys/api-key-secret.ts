import { randomBytes } from 'node:crypto';

/** Prefix of CI API keys, so that one pasted somewhere is recognisable (agent keys have `pak_`). */
const API_KEY_PREFIX = 'pck_';

/** A new API key: 32 random bytes, which is why a fast digest is a safe way to store it. */
export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The principal of a request made with an API key: the job's submitted_by and the rate-limit bucket. */
export function apiKeyPrincipal(name: string): string {
  return `api-key:${name}`;
}
