import { MigrationInterface, QueryRunner } from 'typeorm';

/** Requests made with an `Idempotency-Key` and their answers, per caller, kept at least 24 h. */
export class CreateIdempotencyKeys1763920000000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1763920000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "idempotency_keys" (
        "scope" text NOT NULL,
        "key" text NOT NULL,
        "request_hash" text NOT NULL,
        "state" text NOT NULL,
        "status_code" integer,
        "response" jsonb,
        "locked_until" timestamptz(3),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "expires_at" timestamptz(3) NOT NULL,
        PRIMARY KEY ("scope", "key")
      )`);
    await queryRunner.query(`CREATE INDEX "idempotency_keys_expires_idx" ON "idempotency_keys" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
