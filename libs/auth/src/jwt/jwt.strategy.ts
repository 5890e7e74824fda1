import { Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { JWT_ALGORITHM, JwtSettings, Principal } from './jwt-settings';

interface TokenClaims {
  sub: string;
  roles?: unknown;
}

/** passport-jwt, pinned: one algorithm, our issuer and audience, expiry enforced. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(settings: JwtSettings) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not a string: given a string or Buffer, jsonwebtoken first tries to parse it as
      // a PEM public key on every verification (~0.4 ms of CPU each). passport-jwt hands it to
      // jsonwebtoken as is; only its typings are narrower.
      secretOrKey: createSecretKey(Buffer.from(settings.secret, 'utf8')) as unknown as Buffer,
      algorithms: [JWT_ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      ignoreExpiration: false,
    });
  }

  validate(claims: TokenClaims): Principal {
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    return { subject: claims.sub, roles };
  }
}
