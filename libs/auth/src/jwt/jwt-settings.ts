/**
 * The pinned parameters of Proctor's bearer tokens. Verification accepts exactly this algorithm,
 * issuer and audience: a token with `alg: none`, another algorithm, another audience or past its
 * expiry is refused.
 */
export interface JwtSettings {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export const JWT_ALGORITHM = 'HS256' as const;
export const JWT_ISSUER = 'proctor';
export const JWT_AUDIENCE = 'proctor-api';

/** What a verified token says about its bearer. */
export interface Principal {
  subject: string;
  roles: string[];
}
