import { redactSecrets, redactUrl } from './redact';

describe('redactSecrets', () => {
  it('hides secret-looking keys at any depth and keeps the rest', () => {
    const out = redactSecrets({
      name: 'agent-1',
      password: 'hunter2',
      headers: { authorization: 'Bearer abc', 'x-agent-key': 'k', 'x-request-id': 'r1' },
      list: [{ api_key: 'zzz', ok: 1 }],
    });
    expect(out).toEqual({
      name: 'agent-1',
      password: '[redacted]',
      headers: { authorization: '[redacted]', 'x-agent-key': '[redacted]', 'x-request-id': 'r1' },
      list: [{ api_key: '[redacted]', ok: 1 }],
    });
  });
});

describe('redactUrl', () => {
  it('masks the password of a connection URL', () => {
    expect(redactUrl('amqp://guest:guest@127.0.0.1:5672')).toBe('amqp://guest:***@127.0.0.1:5672');
    expect(redactUrl('postgres://postgres@127.0.0.1/proctor')).toBe('postgres://postgres@127.0.0.1/proctor');
  });
});
