import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CursorPosition, decodeCursor } from './cursor';

/**
 * Newest-first keyset pagination on (time column, id column): stable under inserts, and an index on
 * the same pair serves it without OFFSET scans.
 */
export function applyKeyset<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  options: { alias: string; timeColumn: string; idColumn: string; cursor?: string; size: number },
): SelectQueryBuilder<T> {
  const { alias, timeColumn, idColumn } = options;
  if (options.cursor) {
    const position: CursorPosition = decodeCursor(options.cursor);
    qb.andWhere(`(${alias}.${timeColumn}, ${alias}.${idColumn}) < (:cursorAt, :cursorId)`, {
      cursorAt: position.at,
      cursorId: position.id,
    });
  }
  return qb
    .orderBy(`${alias}.${timeColumn}`, 'DESC')
    .addOrderBy(`${alias}.${idColumn}`, 'DESC')
    .limit(options.size + 1);
}
