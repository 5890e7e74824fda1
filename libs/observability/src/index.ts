export * from './context/request-context';
export * from './logging/json-logger';
export * from './logging/redact';
export * from './metrics/metrics.service';
export * from './health/readiness.service';
export * from './health/health.controller';
export * from './observability.module';
