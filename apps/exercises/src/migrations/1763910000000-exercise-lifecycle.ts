import { MigrationInterface, QueryRunner } from 'typeorm';

export class ExerciseLifecycle1763910000000 implements MigrationInterface {
  name = 'ExerciseLifecycle1763910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "exercises" ADD "ended_reason" text, ADD "started_at" timestamptz(3), ADD "ended_at" timestamptz(3)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "exercises" DROP COLUMN "ended_reason", DROP COLUMN "started_at", DROP COLUMN "ended_at"`);
  }
}
