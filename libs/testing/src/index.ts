export * from './test-database';
export * from './test-broker';
export * from './expect-eventually';
export * from './tcp-proxy';
export * from './service-harness';
export * from './process-stack';
export * from './service-test';
export * from './simulated-agent';
