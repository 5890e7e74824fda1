import { ProctorError } from '@proctor/contracts';
import { decodeCursor, encodeCursor, pageSize, toPage } from './cursor';

describe('cursor', () => {
  it('round-trips a position', () => {
    const position = { at: new Date('2026-11-23T10:00:00.123Z'), id: '0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('refuses a cursor it did not make, as a validation error', () => {
    expect(() => decodeCursor('bm90LWEtY3Vyc29y')).toThrow(ProctorError);
    expect(() => decodeCursor('bm90LWEtY3Vyc29y')).toThrow('cursor is not one returned by a previous page');
  });

  it('clamps page sizes to 1..200 with 50 by default', () => {
    expect(pageSize(undefined)).toBe(50);
    expect(pageSize(0)).toBe(1);
    expect(pageSize(1000)).toBe(200);
  });

  it('uses the extra row only to know there is a next page', () => {
    const rows = [1, 2, 3].map((n) => ({ id: `id-${n}`, at: new Date(1000 - n) }));
    const page = toPage(rows, 2, (r) => ({ at: r.at, id: r.id }), (r) => r.id);
    expect(page.items).toEqual(['id-1', 'id-2']);
    expect(decodeCursor(page.next_cursor as string)).toEqual({ at: new Date(998), id: 'id-2' });
    expect(toPage(rows, 3, (r) => ({ at: r.at, id: r.id }), (r) => r.id).next_cursor).toBeNull();
  });
});
