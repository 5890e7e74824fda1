import { provisionServiceSchema, serviceDatabaseUrl, serviceRoleName } from '@proctor/persistence';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const TEST_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A throw-away database with one role-owned schema per service, as production has them. */
export interface TestDatabase {
  name: string;
  /** Superuser URL of this database, for assertions that look under the hood. */
  adminUrl: string;
  urlFor(service: string): string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createTestDatabase(services: string[]): Promise<TestDatabase> {
  const name = `proctor_t_${randomBytes(5).toString('hex')}`;
  const maintenance = new Client({ connectionString: TEST_ADMIN_URL });
  await maintenance.connect();
  await maintenance.query(`CREATE DATABASE ${name}`);
  await maintenance.end();

  const adminUrl = withDatabase(TEST_ADMIN_URL, name);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const urls: Record<string, string> = {};
  for (const service of services) {
    const role = serviceRoleName(service);
    const password = `${role}_test`;
    await provisionServiceSchema(admin, { database: name, schema: service, role, password });
    urls[service] = serviceDatabaseUrl(adminUrl, role, password);
  }

  return {
    name,
    adminUrl,
    urlFor(service: string) {
      const url = urls[service];
      if (!url) throw new Error(`no schema for ${service} in the test database (provisioned: ${services.join(', ')})`);
      return url;
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await admin.query(sql, params)).rows as T[];
    },
    async drop() {
      await admin.end();
      const client = new Client({ connectionString: TEST_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
