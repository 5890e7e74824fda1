import { createMessagingTables, dropMessagingTables } from '@proctor/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateJobs1763900200000 implements MigrationInterface {
  name = 'CreateJobs1763900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "jobs" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "status" text NOT NULL DEFAULT 'queued',
        "success" boolean,
        "start_time" timestamptz(3),
        "end_time" timestamptz(3),
        "image" text,
        "command" text[],
        "priority" integer NOT NULL DEFAULT 0,
        "labels" jsonb NOT NULL DEFAULT '{}',
        "submitted_by" text,
        "created_at" timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "jobs_created_idx" ON "jobs" ("created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "jobs_status_created_idx" ON "jobs" ("status", "created_at", "id")`);
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
    await queryRunner.query(`DROP TABLE "jobs"`);
  }
}
