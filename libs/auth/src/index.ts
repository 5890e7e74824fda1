export * from './secrets/secret-hash';
export * from './secrets/secret-digest';
export * from './jwt/jwt-settings';
export * from './jwt/token-issuer';
export * from './jwt/jwt.strategy';
export * from './jwt/jwt-auth.guard';
export * from './jwt/public.decorator';
export * from './api-version/api-version';
