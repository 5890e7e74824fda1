import { MigrationInterface, QueryRunner } from 'typeorm';

/** The presence_seq of the agent event applied last, so that a stale online/offline event changes nothing. */
export class AgentDirectoryPresenceSeq1764300000000 implements MigrationInterface {
  name = 'AgentDirectoryPresenceSeq1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "agent_directory" ADD "presence_seq" bigint`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "agent_directory" DROP COLUMN "presence_seq"`);
  }
}
