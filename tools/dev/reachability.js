// Whether Postgres and RabbitMQ answer, and if not, one line saying which and how to start it.
// Used by `npm start` and `npm test` before they do anything else.
const CHECK_TIMEOUT_MS = 5000;

function hostOf(url) {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol.startsWith('amqp') ? 5672 : 5432)}`;
}

async function postgresProblem(databaseUrl) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: CHECK_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (e) {
    // The server answered that the database does not exist yet: reachable; it is created next.
    if (e.code === '3D000') return undefined;
    return `Postgres is not reachable at ${hostOf(databaseUrl)} (${e.code ?? e.message}); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function rabbitProblem(amqpUrl) {
  const amqp = require('amqplib');
  try {
    const connection = await amqp.connect(amqpUrl, { timeout: CHECK_TIMEOUT_MS });
    await connection.close();
    return undefined;
  } catch (e) {
    return `RabbitMQ is not reachable at ${hostOf(amqpUrl)} (${e.code ?? e.message}); start it with: rabbitmq-server -detached`;
  }
}

/** The problems found, one line each; empty when both answer. */
async function dependencyProblems({ databaseUrl, amqpUrl }) {
  return (await Promise.all([postgresProblem(databaseUrl), rabbitProblem(amqpUrl)])).filter(Boolean);
}

module.exports = { dependencyProblems };
