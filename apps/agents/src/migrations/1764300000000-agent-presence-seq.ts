import { MigrationInterface, QueryRunner } from 'typeorm';

/** The presence version online/offline events carry, so that consumers can order them. */
export class AgentPresenceSeq1764300000000 implements MigrationInterface {
  name = 'AgentPresenceSeq1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "agents" ADD "presence_seq" bigint NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "agents" DROP COLUMN "presence_seq"`);
  }
}
