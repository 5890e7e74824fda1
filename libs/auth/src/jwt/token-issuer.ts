import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { JWT_ALGORITHM, JwtSettings, Principal } from './jwt-settings';

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** Signs short-lived bearer tokens with the pinned algorithm, issuer and audience. */
@Injectable()
export class TokenIssuer {
  constructor(private readonly settings: JwtSettings) {}

  issue(principal: Principal): IssuedToken {
    const token = jwt.sign({ roles: principal.roles }, this.settings.secret, {
      algorithm: JWT_ALGORITHM,
      subject: principal.subject,
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      expiresIn: this.settings.ttlSeconds,
    });
    return { access_token: token, token_type: 'Bearer', expires_in: this.settings.ttlSeconds };
  }
}
