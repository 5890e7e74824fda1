import { IsInt, Min } from 'class-validator';
import { readCheckedPayload, readPayload } from './message-payload';

class Reading {
  @IsInt()
  @Min(0)
  n: number;
}

describe('readPayload', () => {
  const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

  it('returns the payload as an instance of its class when it is valid', () => {
    const read = readPayload(body({ n: 3 }), Reading);
    expect(read).toEqual({ ok: true, payload: { n: 3 } });
    expect(read.ok && read.payload).toBeInstanceOf(Reading);
  });

  it('says which field is wrong, and refuses unknown fields', () => {
    expect(readPayload(body({ n: -1 }), Reading)).toEqual({ ok: false, reason: 'invalid payload: {"n":["n must not be less than 0"]}' });
    expect(readPayload(body({ n: 1, extra: true }), Reading)).toEqual({
      ok: false,
      reason: 'invalid payload: {"extra":["property extra should not exist"]}',
    });
  });

  it('refuses a body that is not JSON, or not an object', () => {
    expect(readPayload(body('{nope'), Reading)).toEqual({ ok: false, reason: 'invalid payload: not JSON' });
    expect(readPayload(body([1]), Reading)).toEqual({ ok: false, reason: 'invalid payload: not a JSON object' });
  });

  it('takes any JSON when no class is given', () => {
    expect(readPayload(body([1, 2]))).toEqual({ ok: true, payload: [1, 2] });
  });
});

describe('readCheckedPayload', () => {
  const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

  it("hands the parsed body and the message's type to the consumer's check, and returns its answer", () => {
    const seen: unknown[] = [];
    const check = (plain: unknown, type: string | undefined) => (seen.push([plain, type]), { ok: true as const, payload: [plain] });
    expect(readCheckedPayload(body({ n: 1 }), 'kind.1', check)).toEqual({ ok: true, payload: [{ n: 1 }] });
    expect(seen).toEqual([[{ n: 1 }, 'kind.1']]);
  });

  it('refuses a body that is not JSON without asking the check', () => {
    const check = jest.fn();
    expect(readCheckedPayload(body('{nope'), undefined, check)).toEqual({ ok: false, reason: 'invalid payload: not JSON' });
    expect(check).not.toHaveBeenCalled();
  });
});
