import { canonicalJson, requestFingerprint } from './request-fingerprint';

describe('requestFingerprint', () => {
  it('is the same for the same method, path and body, whatever the key order', () => {
    const a = requestFingerprint('POST', '/v1/agent/heartbeat', { status: 'online', capabilities: { docker: { available: true, verified_at: 't' } } });
    const b = requestFingerprint('post', '/v1/agent/heartbeat', { capabilities: { docker: { verified_at: 't', available: true } }, status: 'online' });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when the body, the path or the method does', () => {
    const base = requestFingerprint('POST', '/v1/agent/tasks/1/started', { attempt: 1 });
    expect(requestFingerprint('POST', '/v1/agent/tasks/1/started', { attempt: 2 })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/agent/tasks/2/started', { attempt: 1 })).not.toBe(base);
    expect(requestFingerprint('PUT', '/v1/agent/tasks/1/started', { attempt: 1 })).not.toBe(base);
  });

  it('keeps array order and tells no body from an empty one', () => {
    expect(canonicalJson({ b: [2, 1], a: null })).toBe('{"a":null,"b":[2,1]}');
    expect(requestFingerprint('POST', '/x', undefined)).not.toBe(requestFingerprint('POST', '/x', {}));
  });
});
