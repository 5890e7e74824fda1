export * from './secrets/secret-hash';
