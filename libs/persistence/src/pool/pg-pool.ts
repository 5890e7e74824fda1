import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * The pg pool a TypeORM data source already opened (same connections, same search path), for a hot
 * statement that TypeORM would not prepare by name: `pool.query({ name, text, values })` parses and
 * plans it once per connection. Such queries skip TypeORM's query logging; keep them few.
 */
export function pgPoolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}
