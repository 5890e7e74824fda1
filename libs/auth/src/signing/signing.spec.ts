import { createHash } from 'node:crypto';
import { signPath, verifySignedPath } from './signed-url';
import { signSubmission, verifySubmission } from './submission-signature';

const SECRET = 'a-test-signing-secret';

function query(url: string): { path: string; expires?: string; sig?: string } {
  const parsed = new URL(url, 'http://x');
  const expires = parsed.searchParams.get('expires') ?? undefined;
  const sig = parsed.searchParams.get('sig') ?? undefined;
  parsed.searchParams.delete('expires');
  parsed.searchParams.delete('sig');
  return { path: parsed.pathname + parsed.search, expires, sig };
}

describe('signed paths', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  const later = new Date('2026-11-23T12:15:00Z');

  it('accepts its own signature until it expires', () => {
    const { path, ...signature } = query(signPath(SECRET, '/workspaces/j1/2', later));
    expect(path).toBe('/workspaces/j1/2');
    expect(verifySignedPath(SECRET, path, signature, now)).toEqual({ ok: true });
    expect(verifySignedPath(SECRET, path, signature, new Date('2026-11-23T12:15:01Z'))).toEqual({ ok: false, reason: 'expired' });
  });

  it('keeps a query of the path under the signature', () => {
    const { path, ...signature } = query(signPath(SECRET, '/artifacts/j1?path=reports%2Fjunit.xml', later));
    expect(verifySignedPath(SECRET, path, signature, now)).toEqual({ ok: true });
    expect(verifySignedPath(SECRET, '/artifacts/j1?path=other.txt', signature, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses another path, a moved expiry, another secret and a missing signature', () => {
    const { path, expires, sig } = query(signPath(SECRET, '/workspaces/j1/2', later));
    expect(verifySignedPath(SECRET, '/workspaces/j2/2', { expires, sig }, now).ok).toBe(false);
    expect(verifySignedPath(SECRET, path, { expires: String(Number(expires) + 3600), sig }, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifySignedPath('another-secret-entirely', path, { expires, sig }, now).ok).toBe(false);
    expect(verifySignedPath(SECRET, path, { expires }, now)).toEqual({ ok: false, reason: 'missing' });
  });
});

describe('submission signatures', () => {
  const parts = { body: Buffer.from('PK\u0003\u0004zip'), fields: 'eyJpbWFnZSI6ImEifQ', submittedBy: 'admin' };
  const now = new Date('2026-11-23T12:00:00Z');

  it('verifies what it signed within the tolerance', () => {
    const header = signSubmission(SECRET, parts, now);
    expect(verifySubmission(SECRET, header, parts, new Date('2026-11-23T12:04:00Z'))).toBe(true);
    expect(verifySubmission(SECRET, header, parts, new Date('2026-11-23T12:06:00Z'))).toBe(false);
  });

  it('takes the body or its SHA-256 alike', () => {
    const sha256 = createHash('sha256').update(parts.body).digest('hex');
    expect(verifySubmission(SECRET, signSubmission(SECRET, parts, now), { ...parts, body: { sha256 } }, now)).toBe(true);
    expect(verifySubmission(SECRET, signSubmission(SECRET, { ...parts, body: { sha256 } }, now), parts, now)).toBe(true);
    expect(verifySubmission(SECRET, signSubmission(SECRET, parts, now), { ...parts, body: { sha256: sha256.replace(/^./, (c) => (c === '0' ? '1' : '0')) } }, now)).toBe(false);
  });

  it('refuses a changed body, fields or submitter, and garbage', () => {
    const header = signSubmission(SECRET, parts, now);
    expect(verifySubmission(SECRET, header, { ...parts, body: Buffer.from('other') }, now)).toBe(false);
    expect(verifySubmission(SECRET, header, { ...parts, fields: 'e30' }, now)).toBe(false);
    expect(verifySubmission(SECRET, header, { ...parts, submittedBy: 'mallory' }, now)).toBe(false);
    expect(verifySubmission(SECRET, undefined, parts, now)).toBe(false);
    expect(verifySubmission(SECRET, 't=1,v1=zz', parts, now)).toBe(false);
  });
});
