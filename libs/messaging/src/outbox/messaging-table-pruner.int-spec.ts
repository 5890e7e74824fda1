import { createMessagingRetentionIndexes, createMessagingTables } from '@proctor/persistence';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MessagingTablePruner } from './messaging-table-pruner';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('MessagingTablePruner (real Postgres)', () => {
  const database = `proctor_t_${randomBytes(5).toString('hex')}`;
  let dataSource: DataSource;

  beforeAll(async () => {
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    dataSource = await new DataSource({ type: 'postgres', url: url.toString() }).initialize();
    const runner = dataSource.createQueryRunner();
    await createMessagingTables(runner);
    await createMessagingRetentionIndexes(runner);
    await runner.release();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  const outboxRow = (label: string, sentHoursAgo: number | null, createdHoursAgo = 200) =>
    dataSource.query(
      `INSERT INTO outbox (message_id, routing_key, payload, created_at, sent_at)
       VALUES ($1, $2, '{}', now() - make_interval(hours => $3), CASE WHEN $4::int IS NULL THEN NULL ELSE now() - make_interval(hours => $4::int) END)`,
      [randomUUID(), label, createdHoursAgo, sentHoursAgo],
    );
  const inboxRow = (id: string, hoursAgo: number) =>
    dataSource.query(`INSERT INTO inbox (message_id, consumer, processed_at) VALUES ($1, 'c', now() - make_interval(hours => $2))`, [id, hoursAgo]);

  it('deletes sent outbox rows and inbox rows past the retention, in batches, and keeps the rest', async () => {
    for (let i = 0; i < 5; i++) await outboxRow('old-sent', 30);
    await outboxRow('recent-sent', 1);
    await outboxRow('never-sent', null, 500);
    for (let i = 0; i < 3; i++) await inboxRow(`old-${i}`, 25);
    await inboxRow('recent', 23);

    const pruner = new MessagingTablePruner(dataSource, { retentionHours: 24, batchSize: 2 });
    expect(await pruner.pruneAll()).toEqual({ outbox: 5, inbox: 3 });

    const outbox = await dataSource.query<{ routing_key: string }[]>('SELECT routing_key FROM outbox ORDER BY routing_key');
    expect(outbox.map((r) => r.routing_key)).toEqual(['never-sent', 'recent-sent']);
    expect(await dataSource.query('SELECT message_id FROM inbox')).toEqual([{ message_id: 'recent' }]);
    expect(await pruner.pruneAll()).toEqual({ outbox: 0, inbox: 0 });
  });
});
