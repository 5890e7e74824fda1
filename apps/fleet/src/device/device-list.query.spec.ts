import { deviceListStatement } from './device-list.query';

describe('deviceListStatement', () => {
  const at = new Date('2026-11-23T10:00:00.123Z');

  it('asks for one row more than the page, newest first, with no filter', () => {
    const statement = deviceListStatement({}, undefined, 50);
    expect(statement.name).toBe('fleet_device_list_0');
    expect(statement.text).toMatch(/FROM devices d ORDER BY d\.created_at DESC, d\.device_id DESC LIMIT \$1$/);
    expect(statement.values).toEqual([51]);
  });

  it('numbers the filters in a fixed order, the keyset after them and the limit last', () => {
    const before = new Date('2026-11-01T00:00:00Z');
    const statement = deviceListStatement({ last_seen_before: before, role: 'sensor', maintenance: false }, { at, id: 'pi-7' }, 2);
    expect(statement.text).toContain(
      'WHERE d.role = $1 AND d.maintenance_mode = $2 AND d.last_seen < $3 AND (d.created_at, d.device_id) < ($4, $5) ORDER BY d.created_at DESC, d.device_id DESC LIMIT $6',
    );
    expect(statement.values).toEqual(['sensor', false, before, at, 'pi-7', 3]);
  });

  it('names each shape (which filters, whether a cursor) apart, and the same shape alike whatever its values', () => {
    const shapes = [
      deviceListStatement({}, undefined, 50),
      deviceListStatement({}, { at, id: 'a' }, 50),
      deviceListStatement({ role: 'a' }, undefined, 50),
      deviceListStatement({ status: 'healthy' }, undefined, 50),
      deviceListStatement({ role: 'a', status: 'healthy' }, undefined, 50),
      deviceListStatement({ last_seen_after: at }, undefined, 50),
      deviceListStatement({ last_seen_after: at }, { at, id: 'a' }, 50),
    ];
    expect(new Set(shapes.map((s) => s.name)).size).toBe(shapes.length);
    expect(new Set(shapes.map((s) => s.text)).size).toBe(shapes.length);
    const again = deviceListStatement({ role: 'b', status: 'failed' }, undefined, 10);
    expect([again.name, again.text]).toEqual([shapes[4].name, shapes[4].text]);
  });

  it('keeps a false maintenance filter (only undefined means no filter)', () => {
    expect(deviceListStatement({ maintenance: false }, undefined, 1).text).toContain('WHERE d.maintenance_mode = $1');
  });

  it('selects the device view fields in its order, timestamps as ISO 8601 in UTC with milliseconds', () => {
    const { text } = deviceListStatement({}, undefined, 50);
    const columns = [...text.matchAll(/(?:d\.(\w+)(?:,| FROM))|(?:AS (\w+))/g)].map((m) => m[1] ?? m[2]);
    expect(columns).toEqual([
      'device_id',
      'hostname',
      'role',
      'branch',
      'segment',
      'status',
      'ip_address',
      'last_seen',
      'current_commit_hash',
      'maintenance_mode',
      'update_enabled',
      'version_lock',
      'metadata',
      'created_at',
      'updated_at',
    ]);
    expect(text).toContain(`to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at`);
  });
});
