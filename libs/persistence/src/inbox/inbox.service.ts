import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Applies a message's effect at most once: the inbox row and the effect commit in one transaction,
 * so a redelivered message id finds its row and is skipped.
 */
@Injectable()
export class InboxService {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` unless this consumer already applied `messageId`; returns whether it ran. */
  async once(messageId: string, consumer: string, work: (manager: EntityManager) => Promise<void>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO inbox (message_id, consumer) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`,
        [messageId, consumer],
      );
      if (inserted.length === 0) return false;
      await work(manager);
      return true;
    });
  }
}
