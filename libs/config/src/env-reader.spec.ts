import { ConfigError, EnvReader } from './env-reader';
import { readServiceConfig } from './service-config';

describe('EnvReader', () => {
  it('falls back to the default when a variable is unset or empty', () => {
    const env = new EnvReader({ PORT: '' });
    expect(env.int('PORT', 8081)).toBe(8081);
    expect(env.string('NAME', 'x')).toBe('x');
  });

  it('names the variable in one line when a value is bad', () => {
    const env = new EnvReader({ PORT: 'eighty', AMQP_URL: 'http://x', FLAG: 'maybe', NS: 'has space' });
    expect(() => env.int('PORT', 1)).toThrow('config: PORT must be a whole number, got "eighty"');
    expect(() => env.url('AMQP_URL', 'amqp://x', ['amqp'])).toThrow('config: AMQP_URL must use amqp, got http');
    expect(() => env.bool('FLAG', false)).toThrow(ConfigError);
    expect(() => env.namespace('NS')).toThrow(/NS may hold only/);
    expect(() => env.string('JWT_SECRET')).toThrow('config: JWT_SECRET is required and not set');
  });

  it('checks ranges', () => {
    expect(() => new EnvReader({ PORT: '70000' }).int('PORT', 1, { min: 0, max: 65535 })).toThrow(
      'config: PORT must be between 0 and 65535, got 70000',
    );
  });
});

describe('readServiceConfig', () => {
  it('gives the documented defaults on an empty environment', () => {
    expect(readServiceConfig(new EnvReader({}), 8081)).toEqual({
      port: 8081,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/proctor',
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      namespace: '',
      logLevel: 'log',
      rpcPrefetch: 100,
      eventPrefetch: 20,
      eventMaxAttempts: 5,
      eventRetryBaseMs: 200,
      messagingRetentionHours: 168,
    });
  });
});
