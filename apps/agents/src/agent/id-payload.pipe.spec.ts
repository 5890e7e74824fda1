import { createValidationPipe, IdRequest, ProctorError } from '@proctor/contracts';
import { IdPayloadPipe, isPlainIdRequest } from './id-payload.pipe';

const id = '0b6f1c2e-8d4a-4f3b-9c1d-2e5f6a7b8c9d';

/** What the global ValidationPipe answers for a payload declared as IdRequest: the value or the error. */
async function throughValidation(payload: unknown): Promise<unknown> {
  try {
    return await createValidationPipe().transform(payload, { type: 'body', metatype: IdRequest, data: undefined });
  } catch (e) {
    return e;
  }
}

async function throughPipe(payload: unknown): Promise<unknown> {
  try {
    return await new IdPayloadPipe().transform(payload);
  } catch (e) {
    return e;
  }
}

const payloads: unknown[] = [
  { id },
  { id: id.toUpperCase() },
  { id: '00000000-0000-0000-0000-000000000000' },
  { id: '0b6f1c2e-8d4a-0f3b-9c1d-2e5f6a7b8c9d' },
  { id: '0b6f1c2e-8d4a-4f3b-7c1d-2e5f6a7b8c9d' },
  { id: `${id} ` },
  { id: id.replace(/-/g, '') },
  { id: 42 },
  { id: [id] },
  { id: null },
  {},
  { id, extra: 1 },
  { ID: id },
  Object.assign(Object.create({ inherited: true }), { id }),
  null,
  'x',
  [id],
];

describe('IdPayloadPipe', () => {
  it('takes the quick path only for a plain { id: <uuid> }', () => {
    expect(isPlainIdRequest({ id })).toBe(true);
    expect(isPlainIdRequest({ id: 'nope' })).toBe(false);
    expect(isPlainIdRequest({ id, extra: 1 })).toBe(false);
    expect(isPlainIdRequest(Object.assign(Object.create({ inherited: true }), { id }))).toBe(false);
  });

  it('never accepts quickly what the ValidationPipe refuses', async () => {
    for (const payload of payloads) {
      if (isPlainIdRequest(payload)) expect(await throughValidation(payload)).toBeInstanceOf(IdRequest);
    }
  });

  it('answers what the ValidationPipe answers, the same value or the same error', async () => {
    for (const payload of payloads) {
      const expected = await throughValidation(payload);
      const actual = await throughPipe(payload);
      if (expected instanceof ProctorError) {
        expect(actual).toBeInstanceOf(ProctorError);
        expect((actual as ProctorError).code).toBe(expected.code);
        expect((actual as ProctorError).details).toEqual(expected.details);
      } else {
        expect(actual).toBeInstanceOf(IdRequest);
        expect(actual).toEqual(expected);
      }
    }
  });
});
