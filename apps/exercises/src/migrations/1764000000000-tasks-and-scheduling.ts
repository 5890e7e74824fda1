import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tests, tasks, slots (no two overlapping on one agent), port reservations, results; agent capabilities. */
export class TasksAndScheduling1764000000000 implements MigrationInterface {
  name = 'TasksAndScheduling1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "agent_directory" ADD "capabilities" jsonb`);
    await queryRunner.query(`
      CREATE TABLE "tests" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "exercise_id" uuid NOT NULL CONSTRAINT "tests_exercise_fk" REFERENCES "exercises" ("id") ON DELETE CASCADE,
        "client_agent_id" uuid NOT NULL,
        "server_agent_id" uuid NOT NULL,
        "duration_seconds" integer NOT NULL,
        "protocol" text NOT NULL,
        "parallel" integer NOT NULL DEFAULT 1,
        "bandwidth" text,
        "reverse" boolean NOT NULL DEFAULT false,
        "wave" integer,
        "planned_start" timestamptz(3),
        "planned_end" timestamptz(3),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "tests_distinct_agents" CHECK ("client_agent_id" <> "server_agent_id")
      )`);
    await queryRunner.query(`CREATE INDEX "tests_exercise_idx" ON "tests" ("exercise_id", "created_at", "id")`);
    await queryRunner.query(`
      CREATE TABLE "tasks" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "exercise_id" uuid NOT NULL CONSTRAINT "tasks_exercise_fk" REFERENCES "exercises" ("id") ON DELETE CASCADE,
        "test_id" uuid CONSTRAINT "tasks_test_fk" REFERENCES "tests" ("id") ON DELETE CASCADE,
        "agent_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "state" text NOT NULL DEFAULT 'pending',
        "attempt" integer NOT NULL DEFAULT 1,
        "port" integer,
        "reason" text,
        "error" text,
        "slot_start" timestamptz(3),
        "slot_end" timestamptz(3),
        "dispatched_at" timestamptz(3),
        "dispatch_count" integer NOT NULL DEFAULT 0,
        "held_reason" text,
        "cancel_attempt" integer,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        "accepted_at" timestamptz(3),
        "started_at" timestamptz(3),
        "finished_at" timestamptz(3)
      )`);
    await queryRunner.query(`CREATE INDEX "tasks_exercise_idx" ON "tasks" ("exercise_id", "created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "tasks_created_idx" ON "tasks" ("created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "tasks_test_idx" ON "tasks" ("test_id")`);
    await queryRunner.query(`CREATE INDEX "tasks_agent_active_idx" ON "tasks" ("agent_id", "state") WHERE "state" IN ('pending', 'accepted', 'running')`);
    await queryRunner.query(`CREATE INDEX "tasks_pending_slot_idx" ON "tasks" ("slot_start") WHERE "state" = 'pending'`);
    await queryRunner.query(`CREATE INDEX "tasks_cancel_pending_idx" ON "tasks" ("id") WHERE "cancel_attempt" IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE "task_slots" (
        "task_id" uuid PRIMARY KEY CONSTRAINT "task_slots_task_fk" REFERENCES "tasks" ("id") ON DELETE CASCADE,
        "agent_id" uuid NOT NULL,
        "slot" tstzrange NOT NULL,
        CONSTRAINT "task_slots_no_overlap" EXCLUDE USING gist ("agent_id" WITH =, "slot" WITH &&)
      )`);
    await queryRunner.query(`
      CREATE TABLE "port_reservations" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "agent_id" uuid NOT NULL,
        "port" integer NOT NULL,
        "task_id" uuid NOT NULL CONSTRAINT "port_reservations_task_fk" REFERENCES "tasks" ("id") ON DELETE CASCADE,
        "exercise_id" uuid NOT NULL,
        "reserved_at" timestamptz(3) NOT NULL DEFAULT now(),
        "released_at" timestamptz(3)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "port_reservations_active_key" ON "port_reservations" ("agent_id", "port") WHERE "released_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "port_reservations_reserved_idx" ON "port_reservations" ("reserved_at", "id")`);
    await queryRunner.query(`CREATE INDEX "port_reservations_task_idx" ON "port_reservations" ("task_id")`);
    await queryRunner.query(`
      CREATE TABLE "task_results" (
        "task_id" uuid PRIMARY KEY CONSTRAINT "task_results_task_fk" REFERENCES "tasks" ("id") ON DELETE CASCADE,
        "exercise_id" uuid NOT NULL,
        "test_id" uuid,
        "raw" jsonb,
        "protocol" text,
        "sent_bps" double precision,
        "received_bps" double precision,
        "retransmits" integer,
        "jitter_ms" double precision,
        "lost_percent" double precision,
        "intervals" jsonb NOT NULL DEFAULT '[]',
        "parse_error" text,
        "created_at" timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "task_results_exercise_idx" ON "task_results" ("exercise_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "task_results"`);
    await queryRunner.query(`DROP TABLE "port_reservations"`);
    await queryRunner.query(`DROP TABLE "task_slots"`);
    await queryRunner.query(`DROP TABLE "tasks"`);
    await queryRunner.query(`DROP TABLE "tests"`);
    await queryRunner.query(`ALTER TABLE "agent_directory" DROP COLUMN "capabilities"`);
  }
}
