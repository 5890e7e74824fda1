import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReadinessService } from '@proctor/observability';
import { DataSource } from 'typeorm';
import { schemaDataSourceOptions, SchemaDataSourceInput } from './data-source-options';
import { InboxService } from './inbox/inbox.service';
import { migrateSchema } from './migrations/migration-runner';
import { OutboxWriter } from './outbox/outbox.writer';

export const PERSISTENCE_OPTIONS = Symbol('PERSISTENCE_OPTIONS');

export interface PersistenceOptions extends SchemaDataSourceInput {
  /** Run pending migrations at start (true by default; Kubernetes may run them as a Job instead). */
  migrateOnStart?: boolean;
}

/** Migrates before anything consumes, and tells `/readyz` whether the database is reachable and current. */
@Injectable()
class SchemaLifecycle implements OnModuleInit {
  private readonly logger = new Logger('Persistence');

  constructor(
    private readonly dataSource: DataSource,
    private readonly readiness: ReadinessService,
    @Inject(PERSISTENCE_OPTIONS) private readonly options: PersistenceOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.options.migrateOnStart !== false) {
      const applied = await migrateSchema(this.dataSource, this.options.schema);
      this.logger.log({ msg: 'migrations applied', schema: this.options.schema, applied });
    }
    this.readiness.register('database', async () => {
      await this.dataSource.query('SELECT 1');
    });
    this.readiness.register('migrations', async () => {
      if (await this.dataSource.showMigrations()) throw new Error('pending migrations');
    });
  }
}

@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [TypeOrmModule.forRoot({ ...schemaDataSourceOptions(options), retryAttempts: 3, retryDelay: 1000 })],
      providers: [
        { provide: PERSISTENCE_OPTIONS, useValue: options },
        { provide: OutboxWriter, useValue: new OutboxWriter(options.schema) },
        InboxService,
        SchemaLifecycle,
      ],
      exports: [OutboxWriter, InboxService, PERSISTENCE_OPTIONS],
    };
  }
}
