export * from './env-reader';
export * from './service-config';
export * from './development-defaults';
