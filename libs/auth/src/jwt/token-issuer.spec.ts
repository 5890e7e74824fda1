import jwt from 'jsonwebtoken';
import { JwtSettings } from './jwt-settings';
import { JwtStrategy } from './jwt.strategy';
import { TokenIssuer } from './token-issuer';

describe('TokenIssuer', () => {
  const settings: JwtSettings = { secret: 's3cret-for-tests', issuer: 'proctor', audience: 'proctor-api', ttlSeconds: 900 };

  it('issues a short-lived HS256 token with the pinned issuer and audience', () => {
    const issued = new TokenIssuer(settings).issue({ subject: 'admin', roles: ['admin'] });
    expect(issued).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const header = JSON.parse(Buffer.from(issued.access_token.split('.')[0], 'base64url').toString());
    expect(header.alg).toBe('HS256');
    const claims = jwt.verify(issued.access_token, settings.secret, { audience: 'proctor-api', issuer: 'proctor' }) as jwt.JwtPayload;
    expect(claims.sub).toBe('admin');
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
  });
});

describe('JwtStrategy.validate', () => {
  it('keeps only string roles', () => {
    const strategy = new JwtStrategy({ secret: 'x', issuer: 'proctor', audience: 'proctor-api', ttlSeconds: 60 });
    expect(strategy.validate({ sub: 'admin', roles: ['admin', 3] })).toEqual({ subject: 'admin', roles: ['admin'] });
  });
});
