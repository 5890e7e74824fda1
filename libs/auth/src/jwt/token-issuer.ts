import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { createSecretKey, KeyObject } from 'node:crypto';
import { JWT_ALGORITHM, JwtSettings, Principal } from './jwt-settings';

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** Signs short-lived bearer tokens with the pinned algorithm, issuer and audience. */
@Injectable()
export class TokenIssuer {
  private readonly key: KeyObject;

  constructor(private readonly settings: JwtSettings) {
    this.key = createSecretKey(Buffer.from(settings.secret, 'utf8'));
  }

  issue(principal: Principal): IssuedToken {
    const token = jwt.sign({ roles: principal.roles }, this.key, {
      algorithm: JWT_ALGORITHM,
      subject: principal.subject,
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      expiresIn: this.settings.ttlSeconds,
    });
    return { access_token: token, token_type: 'Bearer', expires_in: this.settings.ttlSeconds };
  }
}
