import { createMessagingTables, dropMessagingTables } from '@proctor/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAgents1763900000000 implements MigrationInterface {
  name = 'CreateAgents1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "agents" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "name" text NOT NULL CONSTRAINT "agents_name_key" UNIQUE,
        "key_hash" text NOT NULL,
        "status" text NOT NULL DEFAULT 'offline',
        "labels" jsonb NOT NULL DEFAULT '{}',
        "capabilities" jsonb NOT NULL DEFAULT '{}',
        "last_heartbeat" timestamptz(3),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "agents_created_idx" ON "agents" ("created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "agents_status_created_idx" ON "agents" ("status", "created_at", "id")`);
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
    await queryRunner.query(`DROP TABLE "agents"`);
  }
}
