import { secretDigest } from '@proctor/auth';
import { checkAgentKey, issueAgentKey } from './agent-key';

describe('agent keys', () => {
  it('issues a random key and keeps only its SHA-256', () => {
    const a = issueAgentKey();
    const b = issueAgentKey();
    expect(a.key).toMatch(/^pak_[A-Za-z0-9_-]{43}$/);
    expect(a.sha256).toBe(secretDigest(a.key));
    expect(a.sha256).not.toContain(a.key);
    expect(a.key).not.toBe(b.key);
  });

  it('tells an unknown agent from a wrong key', () => {
    const { key, sha256 } = issueAgentKey();
    expect(checkAgentKey({ key_sha256: sha256 }, secretDigest(key))).toEqual({ outcome: 'ok', agent: { key_sha256: sha256 } });
    expect(checkAgentKey({ key_sha256: sha256 }, secretDigest(`${key}x`))).toEqual({ outcome: 'wrong_key' });
    expect(checkAgentKey(null, secretDigest(key))).toEqual({ outcome: 'unknown_agent' });
  });

  it('never opens an agent whose key was made unusable by the migration', () => {
    expect(checkAgentKey({ key_sha256: 'unusable:0b6f1c2e' }, secretDigest('anything'))).toEqual({ outcome: 'wrong_key' });
  });
});
