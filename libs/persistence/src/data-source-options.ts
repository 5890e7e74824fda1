import { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { InboxMessage } from './inbox/inbox-message.entity';
import { OutboxMessage } from './outbox/outbox-message.entity';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityList = MixedList<Function | string | EntitySchema>;

export interface SchemaDataSourceInput {
  databaseUrl: string;
  schema: string;
  applicationName: string;
  entities: EntityList;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
  poolSize?: number;
}

/** TypeORM options for one service: its schema, its migrations table, never `synchronize`. */
export function schemaDataSourceOptions(input: SchemaDataSourceInput): DataSourceOptions {
  return {
    type: 'postgres',
    url: input.databaseUrl,
    schema: input.schema,
    entities: [...(input.entities as unknown[]), OutboxMessage, InboxMessage] as EntityList,
    migrations: input.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: ['error'],
    applicationName: input.applicationName,
    extra: { max: input.poolSize ?? 10, connectionTimeoutMillis: 5000 },
  };
}
