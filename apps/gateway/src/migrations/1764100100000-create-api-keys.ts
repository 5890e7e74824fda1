import { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys of CI clients, kept as digests. */
export class CreateApiKeys1764100100000 implements MigrationInterface {
  name = 'CreateApiKeys1764100100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "name" text NOT NULL CONSTRAINT "api_keys_name_key" UNIQUE,
        "key_digest" text NOT NULL CONSTRAINT "api_keys_key_digest_key" UNIQUE,
        "created_by" text NOT NULL,
        "created_at" timestamptz(3) NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
