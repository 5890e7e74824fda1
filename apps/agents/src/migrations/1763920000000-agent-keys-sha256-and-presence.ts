import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agent keys as SHA-256 (hex) instead of scrypt: keys are 32 random bytes, so a fast hash is safe
 * and authentication becomes an index hit. A scrypt hash cannot be turned into a SHA-256 one: agents
 * created before this migration keep no usable key (a marker no digest ever equals) and must be
 * created again. Also the daemon version a registration reports.
 */
export class AgentKeysSha256AndPresence1763920000000 implements MigrationInterface {
  name = 'AgentKeysSha256AndPresence1763920000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "agents" ADD "key_sha256" text`);
    await queryRunner.query(`UPDATE "agents" SET "key_sha256" = 'unusable:' || "id"`);
    await queryRunner.query(`ALTER TABLE "agents" ALTER COLUMN "key_sha256" SET NOT NULL, DROP COLUMN "key_hash"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "agents_key_sha256_key" ON "agents" ("key_sha256")`);
    await queryRunner.query(`ALTER TABLE "agents" ADD "daemon_version" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "agents" DROP COLUMN "daemon_version"`);
    await queryRunner.query(`DROP INDEX "agents_key_sha256_key"`);
    // The scrypt hashes are gone: agents keep no usable key going down either.
    await queryRunner.query(`ALTER TABLE "agents" ADD "key_hash" text NOT NULL DEFAULT 'unusable'`);
    await queryRunner.query(`ALTER TABLE "agents" ALTER COLUMN "key_hash" DROP DEFAULT, DROP COLUMN "key_sha256"`);
  }
}
