import { createHmac, timingSafeEqual } from 'node:crypto';

/** The query parameters a signed URL carries. */
export interface UrlSignature {
  expires: number;
  sig: string;
}

function hmac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Signs a path (with its own query, if any) until `expiresAt`: whoever holds the URL may use it
 * until then, and changing any character of the path or the expiry breaks the signature.
 */
export function signPath(secret: string, path: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const separator = path.includes('?') ? '&' : '?';
  return `${path}${separator}expires=${expires}&sig=${hmac(secret, `${path}\n${expires}`)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'expired' | 'invalid' };

/** Checks a path signed by signPath; `path` is the URL as signed, without `expires` and `sig`. */
export function verifySignedPath(secret: string, path: string, signature: Partial<Record<keyof UrlSignature, string>>, now: Date = new Date()): SignatureCheck {
  if (!signature.expires || !signature.sig) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(signature.expires)) return { ok: false, reason: 'invalid' };
  if (!sameText(hmac(secret, `${path}\n${signature.expires}`), signature.sig)) return { ok: false, reason: 'invalid' };
  if (Number(signature.expires) * 1000 < now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true };
}
