import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Project zips are stored out of line without Postgres compression (STORAGE EXTERNAL). A zip is
 * compressed already, yet its small text entries let pglz see early savings and run over the whole
 * value before giving up: ~20 ms of Postgres CPU per MiB submitted, for nothing (npm run bench:jobs).
 * Applies to rows written from now on; existing rows keep whatever form they were stored in.
 */
export class JobArchiveStorage1764100100000 implements MigrationInterface {
  name = 'JobArchiveStorage1764100100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "job_archives" ALTER COLUMN "content" SET STORAGE EXTERNAL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "job_archives" ALTER COLUMN "content" SET STORAGE EXTENDED`);
  }
}
