import { MigrationInterface, QueryRunner } from 'typeorm';

/** Running jobs on agents: the full spec on the row, archives, logs, artifacts, agents, webhooks. */
export class JobExecution1764100000000 implements MigrationInterface {
  name = 'JobExecution1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Jobs queued by the first slice had no resolved image or command: give them the stock ones.
    await queryRunner.query(`UPDATE "jobs" SET "image" = COALESCE("image", 'proctor-runner:latest'), "command" = COALESCE("command", ARRAY['sh', '-c', 'sh ./run-tests.sh'])`);
    await queryRunner.query(`
      ALTER TABLE "jobs"
        ALTER COLUMN "image" SET NOT NULL,
        ALTER COLUMN "command" SET NOT NULL,
        ADD "env" jsonb NOT NULL DEFAULT '{}',
        ADD "timeout_seconds" integer NOT NULL DEFAULT 3600,
        ADD "cpus" real NOT NULL DEFAULT 1,
        ADD "memory_mb" integer NOT NULL DEFAULT 1024,
        ADD "pids" integer NOT NULL DEFAULT 512,
        ADD "network" text NOT NULL DEFAULT 'none',
        ADD "artifacts" text[] NOT NULL DEFAULT '{}',
        ADD "retries" integer NOT NULL DEFAULT 0,
        ADD "webhook_url" text,
        ADD "agent_id" uuid,
        ADD "attempt" integer NOT NULL DEFAULT 0,
        ADD "assigned_at" timestamptz(3),
        ADD "exit_code" integer,
        ADD "reason" text,
        ADD "cancel_requested_at" timestamptz(3),
        ADD "cancel_acknowledged_at" timestamptz(3),
        ADD "stopped" jsonb,
        ADD "last_seq" integer,
        ADD "archive_size" integer,
        ADD "archive_sha256" text,
        ADD "updated_at" timestamptz(3) NOT NULL DEFAULT now()`);
    // Defaults were only for rows that existed; new rows always carry their resolved spec.
    await queryRunner.query(`
      ALTER TABLE "jobs"
        ALTER COLUMN "timeout_seconds" DROP DEFAULT,
        ALTER COLUMN "cpus" DROP DEFAULT,
        ALTER COLUMN "memory_mb" DROP DEFAULT,
        ALTER COLUMN "pids" DROP DEFAULT`);
    await queryRunner.query(`CREATE INDEX "jobs_submitter_created_idx" ON "jobs" ("submitted_by", "created_at", "id")`);
    // The dispatcher's order: highest priority first, FIFO within one.
    await queryRunner.query(`CREATE INDEX "jobs_queue_idx" ON "jobs" ("priority" DESC, "created_at", "id") WHERE "status" = 'queued'`);
    await queryRunner.query(`CREATE INDEX "jobs_agent_active_idx" ON "jobs" ("agent_id") WHERE "status" IN ('assigned', 'running')`);
    await queryRunner.query(`CREATE INDEX "jobs_labels_idx" ON "jobs" USING gin ("labels" jsonb_path_ops)`);
    await queryRunner.query(`
      CREATE TABLE "job_archives" (
        "job_id" uuid PRIMARY KEY,
        "content" bytea NOT NULL,
        "size" integer NOT NULL,
        "sha256" text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE "job_logs" (
        "job_id" uuid NOT NULL,
        "attempt" integer NOT NULL,
        "seq" integer NOT NULL,
        "data" text NOT NULL,
        "at" timestamptz(3) NOT NULL,
        PRIMARY KEY ("job_id", "attempt", "seq")
      )`);
    await queryRunner.query(`
      CREATE TABLE "job_artifacts" (
        "job_id" uuid NOT NULL,
        "path" text NOT NULL,
        "attempt" integer NOT NULL,
        "content" bytea NOT NULL,
        "size" integer NOT NULL,
        "sha256" text NOT NULL,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY ("job_id", "path")
      )`);
    await queryRunner.query(`
      CREATE TABLE "job_agents" (
        "agent_id" uuid PRIMARY KEY,
        "name" text NOT NULL,
        "online" boolean NOT NULL DEFAULT false,
        "docker" boolean NOT NULL DEFAULT false,
        "max_jobs" integer NOT NULL DEFAULT 1,
        "deleted_at" timestamptz(3),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE "webhook_deliveries" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "job_id" uuid NOT NULL,
        "url" text NOT NULL,
        "payload" jsonb NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" timestamptz(3) NOT NULL DEFAULT now(),
        "delivered_at" timestamptz(3),
        "gave_up_at" timestamptz(3),
        "last_error" text,
        "created_at" timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" ("next_attempt_at") WHERE delivered_at IS NULL AND gave_up_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE "job_agents"`);
    await queryRunner.query(`DROP TABLE "job_artifacts"`);
    await queryRunner.query(`DROP TABLE "job_logs"`);
    await queryRunner.query(`DROP TABLE "job_archives"`);
    await queryRunner.query(`DROP INDEX "jobs_labels_idx"`);
    await queryRunner.query(`DROP INDEX "jobs_agent_active_idx"`);
    await queryRunner.query(`DROP INDEX "jobs_queue_idx"`);
    await queryRunner.query(`DROP INDEX "jobs_submitter_created_idx"`);
    await queryRunner.query(`
      ALTER TABLE "jobs"
        DROP "env", DROP "timeout_seconds", DROP "cpus", DROP "memory_mb", DROP "pids", DROP "network",
        DROP "artifacts", DROP "retries", DROP "webhook_url", DROP "agent_id", DROP "attempt",
        DROP "assigned_at", DROP "exit_code", DROP "reason", DROP "cancel_requested_at",
        DROP "cancel_acknowledged_at", DROP "stopped", DROP "last_seq", DROP "archive_size",
        DROP "archive_sha256", DROP "updated_at",
        ALTER COLUMN "image" DROP NOT NULL,
        ALTER COLUMN "command" DROP NOT NULL`);
  }
}
