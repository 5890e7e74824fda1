import { DynamicModule, Global, Module } from '@nestjs/common';
import { HealthController } from './health/health.controller';
import { ReadinessService } from './health/readiness.service';
import { MetricsService } from './metrics/metrics.service';

export interface ObservabilityOptions {
  service: string;
  /** Mount `/healthz`, `/readyz`, `/metrics` (false for apps that serve them elsewhere). */
  http?: boolean;
}

@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: options.http === false ? [] : [HealthController],
      providers: [{ provide: MetricsService, useValue: new MetricsService(options.service) }, ReadinessService],
      exports: [MetricsService, ReadinessService],
    };
  }
}
