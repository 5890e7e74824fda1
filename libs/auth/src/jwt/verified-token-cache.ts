import { Principal } from './jwt-settings';

interface Entry {
  principal: Principal;
  expiresAt: number;
}

/**
 * Tokens already verified, by their exact text, until they expire. A JWT cannot change and
 * carries its own expiry, so a second verification of the same token can only give the same
 * answer: skipping it saves an HMAC per request on the gateway's hottest paths. FIFO-bounded.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  /** Remembers a token that has just passed verification, until its `exp` claim. */
  remember(token: string, principal: Principal): void {
    const expiresAt = expiryOf(token);
    if (expiresAt === undefined || expiresAt <= this.now()) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { principal, expiresAt });
  }
}

/** The `exp` claim in milliseconds, read from a token that was verified already. */
export function expiryOf(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() || undefined : undefined;
}
