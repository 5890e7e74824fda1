import { MigrationInterface, QueryRunner } from 'typeorm';

export class FleetKeysHeartbeatsEventsUpdatesRollouts1764000300000 implements MigrationInterface {
  name = 'FleetKeysHeartbeatsEventsUpdatesRollouts1764000300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "devices" ADD "key_hash" text`);
    await queryRunner.query(`CREATE UNIQUE INDEX "devices_key_hash_key" ON "devices" ("key_hash")`);
    await queryRunner.query(`CREATE INDEX "devices_branch_created_idx" ON "devices" ("branch", "created_at", "device_id")`);
    await queryRunner.query(`CREATE INDEX "devices_maintenance_created_idx" ON "devices" ("maintenance_mode", "created_at", "device_id")`);
    await queryRunner.query(`CREATE INDEX "devices_last_seen_idx" ON "devices" ("last_seen", "created_at", "device_id")`);

    await queryRunner.query(`
      CREATE TABLE "device_heartbeats" (
        "heartbeat_id" uuid PRIMARY KEY,
        "device_id" text NOT NULL,
        "status" text NOT NULL,
        "cpu_percent" real,
        "memory_percent" real,
        "disk_percent" real,
        "temperature" real,
        "containers_running" integer,
        "containers_failed" integer,
        "current_commit_hash" text,
        "received_at" timestamptz(3) NOT NULL,
        CONSTRAINT "device_heartbeats_device_fk" FOREIGN KEY ("device_id") REFERENCES "devices" ("device_id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "device_heartbeats_device_received_idx" ON "device_heartbeats" ("device_id", "received_at", "heartbeat_id")`,
    );
    await queryRunner.query(`CREATE INDEX "device_heartbeats_received_idx" ON "device_heartbeats" ("received_at")`);

    await queryRunner.query(`
      CREATE TABLE "device_events" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "device_id" text NOT NULL,
        "event_type" text NOT NULL,
        "severity" text NOT NULL,
        "message" text NOT NULL,
        "details" jsonb NOT NULL DEFAULT '{}',
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "device_events_device_fk" FOREIGN KEY ("device_id") REFERENCES "devices" ("device_id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "device_events_device_created_idx" ON "device_events" ("device_id", "created_at", "id")`);

    await queryRunner.query(`
      CREATE TABLE "device_updates" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "device_id" text NOT NULL,
        "from_commit_hash" text,
        "to_commit_hash" text NOT NULL,
        "update_status" text NOT NULL,
        "error_message" text,
        "health_check_passed" boolean,
        "rollout_id" uuid,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "device_updates_device_fk" FOREIGN KEY ("device_id") REFERENCES "devices" ("device_id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "device_updates_device_created_idx" ON "device_updates" ("device_id", "created_at", "id")`);

    await queryRunner.query(`
      CREATE TABLE "rollouts" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "target_commit" text NOT NULL,
        "segment" text,
        "branch" text,
        "status" text NOT NULL DEFAULT 'active',
        "failure_threshold" double precision NOT NULL,
        "health_window_seconds" integer NOT NULL,
        "pending_deadline_seconds" integer NOT NULL,
        "halt_reason" text,
        "promoted_from" uuid,
        "skipped_count" integer NOT NULL DEFAULT 0,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "rollouts_created_idx" ON "rollouts" ("created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "rollouts_status_created_idx" ON "rollouts" ("status", "created_at", "id")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "rollouts_active_segment_key" ON "rollouts" ("segment") WHERE status = 'active'`);
    await queryRunner.query(`CREATE UNIQUE INDEX "rollouts_active_branch_key" ON "rollouts" ("branch") WHERE status = 'active'`);

    await queryRunner.query(`
      CREATE TABLE "rollout_devices" (
        "rollout_id" uuid NOT NULL,
        "device_id" text NOT NULL,
        "state" text NOT NULL DEFAULT 'pending',
        "reported_at" timestamptz(3),
        "health_confirmed_at" timestamptz(3),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY ("rollout_id", "device_id"),
        CONSTRAINT "rollout_devices_rollout_fk" FOREIGN KEY ("rollout_id") REFERENCES "rollouts" ("id") ON DELETE CASCADE,
        CONSTRAINT "rollout_devices_device_fk" FOREIGN KEY ("device_id") REFERENCES "devices" ("device_id") ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rollout_devices"`);
    await queryRunner.query(`DROP TABLE "rollouts"`);
    await queryRunner.query(`DROP TABLE "device_updates"`);
    await queryRunner.query(`DROP TABLE "device_events"`);
    await queryRunner.query(`DROP TABLE "device_heartbeats"`);
    await queryRunner.query(`DROP INDEX "devices_last_seen_idx"`);
    await queryRunner.query(`DROP INDEX "devices_maintenance_created_idx"`);
    await queryRunner.query(`DROP INDEX "devices_branch_created_idx"`);
    await queryRunner.query(`DROP INDEX "devices_key_hash_key"`);
    await queryRunner.query(`ALTER TABLE "devices" DROP COLUMN "key_hash"`);
  }
}
