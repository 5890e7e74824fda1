import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox and inbox tables every service keeps in its own schema. Each app's first migration
 * calls this, so that the DDL is written once and matches the entities.
 */
export async function createMessagingTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE "outbox" (
      "id" bigserial PRIMARY KEY,
      "message_id" uuid NOT NULL CONSTRAINT "outbox_message_id_key" UNIQUE,
      "routing_key" text NOT NULL,
      "payload" jsonb NOT NULL,
      "headers" jsonb NOT NULL DEFAULT '{}',
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "attempts" integer NOT NULL DEFAULT 0,
      "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
      "last_error" text,
      "sent_at" timestamptz
    )`);
  await queryRunner.query(`CREATE INDEX "outbox_unsent_idx" ON "outbox" ("id") WHERE sent_at IS NULL`);
  await queryRunner.query(`
    CREATE TABLE "inbox" (
      "message_id" text NOT NULL,
      "consumer" text NOT NULL,
      "processed_at" timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY ("message_id", "consumer")
    )`);
}

export async function dropMessagingTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DROP TABLE "inbox"`);
  await queryRunner.query(`DROP TABLE "outbox"`);
}

/**
 * Indexes the pruning of sent outbox rows and old inbox rows reads by (MessagingTablePruner). Built
 * CONCURRENTLY (its migration runs outside a transaction): both tables are written all the time and
 * may be large by now, and a plain build would block those writes for as long as it takes.
 */
export async function createMessagingRetentionIndexes(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS "outbox_sent_at_idx" ON "outbox" ("sent_at") WHERE sent_at IS NOT NULL`);
  await queryRunner.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS "inbox_processed_at_idx" ON "inbox" ("processed_at")`);
}

export async function dropMessagingRetentionIndexes(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DROP INDEX "inbox_processed_at_idx"`);
  await queryRunner.query(`DROP INDEX "outbox_sent_at_idx"`);
}

/**
 * The retention indexes as one migration every service lists (its name is recorded in each schema's
 * own migrations table). CREATE INDEX CONCURRENTLY cannot run in a transaction.
 */
export class MessagingRetentionIndexes1764200000000 implements MigrationInterface {
  name = 'MessagingRetentionIndexes1764200000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingRetentionIndexes(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingRetentionIndexes(queryRunner);
  }
}
