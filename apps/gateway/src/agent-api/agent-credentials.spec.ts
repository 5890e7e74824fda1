import { secretDigest } from '@proctor/auth';
import { ProctorError } from '@proctor/contracts';
import { credentialCacheKey, readAgentCredentials } from './agent-credentials';

describe('readAgentCredentials', () => {
  const codeOf = (headers: Record<string, string | string[] | undefined>) => {
    try {
      readAgentCredentials(headers);
    } catch (e) {
      return (e as ProctorError).code;
    }
    return 'accepted';
  };

  it('reads the name and hashes the key', () => {
    expect(readAgentCredentials({ 'x-agent-name': 'lab-a1', 'x-agent-key': 'pak_secret' })).toEqual({ name: 'lab-a1', keyHash: secretDigest('pak_secret') });
  });

  it('is 401 when a header is missing, empty, repeated or malformed', () => {
    expect(codeOf({ 'x-agent-name': 'lab-a1' })).toBe('unauthorized');
    expect(codeOf({ 'x-agent-key': 'pak_secret' })).toBe('unauthorized');
    expect(codeOf({ 'x-agent-name': '', 'x-agent-key': 'pak_secret' })).toBe('unauthorized');
    expect(codeOf({ 'x-agent-name': ['a', 'b'], 'x-agent-key': 'pak_secret' })).toBe('unauthorized');
    expect(codeOf({ 'x-agent-name': 'has space', 'x-agent-key': 'pak_secret' })).toBe('unauthorized');
    expect(codeOf({ 'x-agent-name': 'a'.repeat(65), 'x-agent-key': 'pak_secret' })).toBe('unauthorized');
    expect(codeOf({ 'x-agent-name': 'lab-a1', 'x-agent-key': 'k'.repeat(513) })).toBe('unauthorized');
  });

  it('caches by name and key digest, never by the key', () => {
    const key = credentialCacheKey(readAgentCredentials({ 'x-agent-name': 'lab-a1', 'x-agent-key': 'pak_secret' }));
    expect(key).not.toContain('pak_secret');
    expect(key).toBe(`lab-a1\n${secretDigest('pak_secret')}`);
  });
});
