import { Client } from 'pg';

export interface ServiceSchemaGrant {
  database: string;
  schema: string;
  role: string;
  password: string;
}

/** The role a service connects as: it owns its schema and nothing else. */
export function serviceRoleName(schema: string): string {
  return `proctor_${schema}`;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates (or brings up to date) a service's login role and schema, as a superuser. Postgres then
 * enforces rule 1 of DESIGN.md: the role owns its schema, has no USAGE on any other, and its
 * search_path points at its own. Idempotent; safe to run before every start.
 */
export async function provisionServiceSchema(admin: Client, grant: ServiceSchemaGrant): Promise<void> {
  for (const name of [grant.schema, grant.role]) {
    if (!IDENT.test(name)) throw new Error(`not a plain identifier: ${name}`);
  }
  const db = `"${grant.database.replace(/"/g, '""')}"`;
  // Roles are cluster-wide and several test files may provision at once: tolerate the race.
  await admin
    .query(
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${grant.role}') THEN
           CREATE ROLE ${grant.role} LOGIN;
         END IF;
       END $$`,
    )
    .catch((e: { code?: string }) => {
      if (e.code !== '23505' && e.code !== '42710') throw e;
    });
  await admin.query(`ALTER ROLE ${grant.role} LOGIN PASSWORD ${literal(grant.password)}`);
  await admin.query(`GRANT CONNECT ON DATABASE ${db} TO ${grant.role}`);
  await admin.query(`CREATE SCHEMA IF NOT EXISTS ${grant.schema} AUTHORIZATION ${grant.role}`);
  await admin.query(`ALTER SCHEMA ${grant.schema} OWNER TO ${grant.role}`);
  await admin.query(`REVOKE ALL ON SCHEMA ${grant.schema} FROM PUBLIC`);
  await admin.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
  await admin.query(`ALTER ROLE ${grant.role} IN DATABASE ${db} SET search_path = ${grant.schema}, public`);
  // Exclusion constraints on (id, time range) need btree_gist; creating an extension takes a superuser.
  await admin.query(`CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public`);
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The connection URL of a service role, from the superuser's URL of the same database. */
export function serviceDatabaseUrl(adminUrl: string, role: string, password: string): string {
  const url = new URL(adminUrl);
  url.username = role;
  url.password = password;
  return url.toString();
}
