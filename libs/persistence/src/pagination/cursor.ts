import { CommonErrorCode, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, ProctorError } from '@proctor/contracts';

/** Where a page ended: the sort time (millisecond precision, as stored) and the id that breaks ties. */
export interface CursorPosition {
  at: Date;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.at.getTime()}|${position.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,15})\|(.{1,128})$/.exec(decoded);
  if (!match) {
    throw new ProctorError(CommonErrorCode.ValidationFailed, 'cursor is not one returned by a previous page', {
      cursor: ['cursor is malformed'],
    });
  }
  return { at: new Date(Number(match[1])), id: match[2] };
}

export function pageSize(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
}

/**
 * Turns `size + 1` rows fetched newest first into a page: the extra row only tells that there is a
 * next page, whose cursor is the last row shown.
 */
export function toPage<Row, View>(
  rows: Row[],
  size: number,
  positionOf: (row: Row) => CursorPosition,
  view: (row: Row) => View,
): Page<View> {
  const shown = rows.slice(0, size);
  const last = shown[shown.length - 1];
  return {
    items: shown.map(view),
    next_cursor: rows.length > size && last ? encodeCursor(positionOf(last)) : null,
  };
}
