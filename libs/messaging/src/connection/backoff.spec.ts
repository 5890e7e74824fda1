import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles the ceiling with each attempt up to the maximum', () => {
    const top = () => 1;
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, 100, 1000, top))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('never waits less than half the ceiling', () => {
    expect(backoffDelay(2, 100, 1000, () => 0)).toBe(200);
  });
});
