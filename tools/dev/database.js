// Development database set-up: the `proctor` database, then one login role and schema per service
// (owner of its schema, no access to the others), as libs/persistence defines them.
const { Client } = require('pg');
const path = require('path');

const SERVICES = ['gateway', 'agents', 'exercises', 'jobs', 'fleet', 'hosts'];

function persistence() {
  return require(path.resolve(__dirname, '../../dist/libs/persistence/src/index.js'));
}

/** The development password of a service role; production sets <SERVICE>_DATABASE_URL instead. */
function devPassword(service) {
  return `proctor_${service}_dev`;
}

async function ensureDatabase(adminUrl) {
  const url = new URL(adminUrl);
  const database = url.pathname.replace(/^\//, '') || 'proctor';
  const maintenance = new URL(adminUrl);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  return database;
}

/** Creates what is missing and returns the DATABASE_URL of each service. */
async function provisionDatabase(adminUrl, services = SERVICES) {
  const { provisionServiceSchema, serviceRoleName, serviceDatabaseUrl } = persistence();
  const database = await ensureDatabase(adminUrl);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const urls = {};
  try {
    for (const service of services) {
      const role = serviceRoleName(service);
      const password = devPassword(service);
      await provisionServiceSchema(admin, { database, schema: service, role, password });
      urls[service] = serviceDatabaseUrl(adminUrl, role, password);
    }
  } finally {
    await admin.end();
  }
  return urls;
}

module.exports = { SERVICES, provisionDatabase };
