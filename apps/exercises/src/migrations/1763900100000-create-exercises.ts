import { createMessagingTables, dropMessagingTables } from '@proctor/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateExercises1763900100000 implements MigrationInterface {
  name = 'CreateExercises1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "exercises" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "description" text,
        "status" text NOT NULL DEFAULT 'draft',
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "exercises_created_idx" ON "exercises" ("created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "exercises_status_created_idx" ON "exercises" ("status", "created_at", "id")`);
    await queryRunner.query(`
      CREATE TABLE "agent_directory" (
        "agent_id" uuid PRIMARY KEY,
        "name" text NOT NULL,
        "labels" jsonb NOT NULL DEFAULT '{}',
        "deleted_at" timestamptz(3)
      )`);
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
    await queryRunner.query(`DROP TABLE "agent_directory"`);
    await queryRunner.query(`DROP TABLE "exercises"`);
  }
}
