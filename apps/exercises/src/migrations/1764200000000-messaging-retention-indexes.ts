import { createMessagingRetentionIndexes, dropMessagingRetentionIndexes } from '@proctor/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class MessagingRetentionIndexes1764200000000 implements MigrationInterface {
  name = 'MessagingRetentionIndexes1764200000000';
  // CREATE INDEX CONCURRENTLY cannot run in a transaction.
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingRetentionIndexes(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingRetentionIndexes(queryRunner);
  }
}
