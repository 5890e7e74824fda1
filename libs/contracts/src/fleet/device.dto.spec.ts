import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ListDevicesRequest } from './device.dto';

describe('ListDevicesRequest', () => {
  const parse = (query: Record<string, unknown>) => {
    const request = plainToInstance(ListDevicesRequest, query);
    return { request, errors: validateSync(request).map((e) => e.property) };
  };

  it('reads maintenance from a query string as the word says, false included', () => {
    expect(parse({ maintenance: 'false' }).request.maintenance).toBe(false);
    expect(parse({ maintenance: 'true' }).request.maintenance).toBe(true);
    expect(parse({ maintenance: false }).request.maintenance).toBe(false);
  });

  it('refuses a maintenance value that is neither true nor false', () => {
    expect(parse({ maintenance: 'yes' }).errors).toEqual(['maintenance']);
  });

  it('reads last seen bounds as dates', () => {
    const { request, errors } = parse({ last_seen_before: '2026-11-23T10:00:00Z' });
    expect(errors).toEqual([]);
    expect(request.last_seen_before).toEqual(new Date('2026-11-23T10:00:00Z'));
  });
});
