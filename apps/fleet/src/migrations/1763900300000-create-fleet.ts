import { createMessagingTables, dropMessagingTables } from '@proctor/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateFleet1763900300000 implements MigrationInterface {
  name = 'CreateFleet1763900300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "devices" (
        "device_id" text PRIMARY KEY,
        "hostname" text NOT NULL,
        "role" text NOT NULL,
        "branch" text NOT NULL DEFAULT 'main',
        "segment" text NOT NULL DEFAULT 'stable',
        "status" text NOT NULL DEFAULT 'offline',
        "ip_address" text,
        "last_seen" timestamptz(3),
        "current_commit_hash" text,
        "maintenance_mode" boolean NOT NULL DEFAULT false,
        "update_enabled" boolean NOT NULL DEFAULT true,
        "version_lock" text,
        "metadata" jsonb NOT NULL DEFAULT '{}',
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "devices_created_idx" ON "devices" ("created_at", "device_id")`);
    await queryRunner.query(`CREATE INDEX "devices_role_created_idx" ON "devices" ("role", "created_at", "device_id")`);
    await queryRunner.query(`CREATE INDEX "devices_status_created_idx" ON "devices" ("status", "created_at", "device_id")`);
    await queryRunner.query(`CREATE INDEX "devices_segment_created_idx" ON "devices" ("segment", "created_at", "device_id")`);
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
    await queryRunner.query(`DROP TABLE "devices"`);
  }
}
