import { Injectable } from '@nestjs/common';
import { DeviceSegment, DeviceStatus, DeviceView } from '@proctor/contracts';
import { CursorPosition, decodeCursor, pgPoolOf } from '@proctor/persistence';
import type { QueryConfig } from 'pg';
import { DataSource } from 'typeorm';

export interface DeviceFilter {
  role?: string;
  status?: DeviceStatus;
  segment?: DeviceSegment;
  branch?: string;
  maintenance?: boolean;
  last_seen_before?: Date;
  last_seen_after?: Date;
}

/** Formats a timestamptz as `Date.toISOString` does (the columns hold milliseconds, no more). */
const iso = (column: string) => `to_char(d.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The device view's fields, in its order, so that a row is the view as it is. */
const VIEW_COLUMNS = [
  'd.device_id',
  'd.hostname',
  'd.role',
  'd.branch',
  'd.segment',
  'd.status',
  'd.ip_address',
  `${iso('last_seen')} AS last_seen`,
  'd.current_commit_hash',
  'd.maintenance_mode',
  'd.update_enabled',
  'd.version_lock',
  'd.metadata',
  `${iso('created_at')} AS created_at`,
  `${iso('updated_at')} AS updated_at`,
].join(', ');

/** Each filter's condition; the order is the order of the bits in a statement's name. */
const CONDITIONS: { key: keyof DeviceFilter; sql: string }[] = [
  { key: 'role', sql: 'd.role = $' },
  { key: 'status', sql: 'd.status = $' },
  { key: 'segment', sql: 'd.segment = $' },
  { key: 'branch', sql: 'd.branch = $' },
  { key: 'maintenance', sql: 'd.maintenance_mode = $' },
  { key: 'last_seen_before', sql: 'd.last_seen < $' },
  { key: 'last_seen_after', sql: 'd.last_seen > $' },
];

/**
 * The statement of one list page: newest first, narrowed by the filters given, after the cursor's
 * position, `size + 1` rows to tell if more follow. Its text depends only on which filters are set
 * and whether there is a cursor, and is named after that shape: Postgres parses each shape once per
 * connection. The limit stays a parameter, so the plan is still made for each page's values (a
 * generic plan would guess a tenth of the table for `LIMIT $n` and lose to it), the index it picks
 * the one it picked for the same query unprepared.
 */
export function deviceListStatement(filter: DeviceFilter, cursor: CursorPosition | undefined, size: number): QueryConfig {
  const where: string[] = [];
  const values: unknown[] = [];
  let shape = 0;
  CONDITIONS.forEach(({ key, sql }, bit) => {
    const value = filter[key];
    if (value === undefined) return;
    values.push(value);
    where.push(`${sql}${values.length}`);
    shape |= 1 << bit;
  });
  if (cursor) {
    values.push(cursor.at, cursor.id);
    where.push(`(d.created_at, d.device_id) < ($${values.length - 1}, $${values.length})`);
  }
  values.push(size + 1);
  return {
    name: `fleet_device_list_${shape}${cursor ? '_after' : ''}`,
    text:
      `SELECT ${VIEW_COLUMNS} FROM devices d` +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY d.created_at DESC, d.device_id DESC LIMIT $${values.length}`,
    values,
  };
}

/**
 * The device list, read straight into device views: one prepared statement per filter shape on the
 * pool under TypeORM, with no entity to hydrate and no date to parse and format again.
 */
@Injectable()
export class DeviceListQuery {
  constructor(private readonly dataSource: DataSource) {}

  /** One page as `size + 1` views (the last only tells that more follow); a malformed cursor is a validation error. */
  async page(filter: DeviceFilter, cursor: string | undefined, size: number): Promise<DeviceView[]> {
    const statement = deviceListStatement(filter, cursor ? decodeCursor(cursor) : undefined, size);
    const result = await pgPoolOf(this.dataSource).query<DeviceView>(statement);
    return result.rows;
  }
}
