import { EnvReader } from '@proctor/config';
import { readGatewayConfig } from './gateway-config';

describe('readGatewayConfig', () => {
  it('names every development default it falls back to', () => {
    const config = readGatewayConfig(new EnvReader({}));
    expect(config.developmentDefaults).toEqual(['JWT_SECRET', 'ADMIN_PASSWORD']);
    expect(config.port).toBe(8080);
    expect(config.jwt.ttlSeconds).toBe(900);
  });

  it('announces nothing when the operator set the secrets', () => {
    const config = readGatewayConfig(new EnvReader({ JWT_SECRET: 'x'.repeat(32), ADMIN_PASSWORD: 'long-enough-pass' }));
    expect(config.developmentDefaults).toEqual([]);
  });

  it('refuses a short JWT secret', () => {
    expect(() => readGatewayConfig(new EnvReader({ JWT_SECRET: 'short' }))).toThrow('JWT_SECRET must be at least 16 characters');
  });
});
