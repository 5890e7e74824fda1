import { MigrationInterface, QueryRunner } from 'typeorm';

/** The presence_seq of the agent event applied last, so that a stale online/offline event changes nothing. */
export class JobAgentPresenceSeq1764300000000 implements MigrationInterface {
  name = 'JobAgentPresenceSeq1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "job_agents" ADD "presence_seq" bigint`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "job_agents" DROP COLUMN "presence_seq"`);
  }
}
