import { createMessagingTables, dropMessagingTables } from '@proctor/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateHosts1763900400000 implements MigrationInterface {
  name = 'CreateHosts1763900400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "hosts" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "host_name" text NOT NULL CONSTRAINT "hosts_host_name_key" UNIQUE,
        "host_url" text NOT NULL,
        "capabilities" text[] NOT NULL DEFAULT '{}',
        "status" text NOT NULL DEFAULT 'available',
        "last_ping" timestamptz(3),
        "created_at" timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "hosts_created_idx" ON "hosts" ("created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "hosts_status_created_idx" ON "hosts" ("status", "created_at", "id")`);
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
    await queryRunner.query(`DROP TABLE "hosts"`);
  }
}
