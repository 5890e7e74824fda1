#!/usr/bin/env node
// Provisions the development database: the `proctor` database, then one login role and schema per
// service (tools/dev/database.js). Run by docker-compose's one-shot db-setup service, or by hand
// after `node tools/build/build.js`. Idempotent. Prints the roles it made ready, never a password.
//   DATABASE_ADMIN_URL=postgres://postgres:postgres@127.0.0.1:5432/proctor node tools/dev/provision.js
const { provisionDatabase, SERVICES } = require('./database');

const adminUrl = process.env.DATABASE_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/proctor';

async function main() {
  let target;
  try {
    const url = new URL(adminUrl);
    target = `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    console.error('provision: config: DATABASE_ADMIN_URL is not a valid URL');
    process.exit(1);
  }
  const urls = await provisionDatabase(adminUrl, SERVICES);
  const roles = Object.values(urls).map((url) => new URL(url).username);
  console.log(`provision: ${target} ready, one schema and role each: ${roles.join(', ')}`);
}

main().catch((e) => {
  // The error of a failed connection may quote the URL: print only its code and message head.
  const detail = e.code === 'MODULE_NOT_FOUND' ? 'dist/ is missing: run node tools/build/build.js first' : `${e.code ?? ''} ${e.message.split('\n')[0]}`;
  console.error(`provision: failed: ${detail.replace(/\/\/[^@/]*@/g, '//***@').trim()}`);
  process.exit(1);
});
