import { DynamicModule, Global, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { JOBS_CONFIG, JobsConfig } from './jobs-config';

/** The service's own configuration, read once at start and injected as JOBS_CONFIG. */
@Global()
@Module({})
export class JobsConfigModule implements OnApplicationBootstrap {
  constructor(@Inject(JOBS_CONFIG) private readonly config: JobsConfig) {}

  static forRoot(config: JobsConfig): DynamicModule {
    return { module: JobsConfigModule, providers: [{ provide: JOBS_CONFIG, useValue: config }], exports: [JOBS_CONFIG] };
  }

  /** Development secrets sign URLs anyone can forge: say so where an operator will see it. */
  onApplicationBootstrap(): void {
    if (this.config.developmentDefaults.length === 0) return;
    new Logger('JobsConfig').warn({
      msg: 'DEVELOPMENT DEFAULTS IN USE: set these before exposing the jobs service',
      variables: this.config.developmentDefaults,
    });
  }
}
