import { DynamicModule, Global, Module } from '@nestjs/common';
import { EXERCISES_CONFIG, ExercisesConfig } from './exercises-config';

/** The service's own configuration, read once at start and injected as EXERCISES_CONFIG. */
@Global()
@Module({})
export class ExercisesConfigModule {
  static forRoot(config: ExercisesConfig): DynamicModule {
    return { module: ExercisesConfigModule, providers: [{ provide: EXERCISES_CONFIG, useValue: config }], exports: [EXERCISES_CONFIG] };
  }
}
