import { BatchAssembler } from './batch-assembler';

describe('BatchAssembler', () => {
  const assembler = (maxBatch = 3, maxWaitMs = 20) => new BatchAssembler<number>({ maxBatch, maxWaitMs });
  const drain = (a: BatchAssembler<number>) => {
    const batches: number[][] = [];
    for (let b = a.takeSealed(); b; b = a.takeSealed()) batches.push(b);
    return batches;
  };

  it('seals a batch as soon as it is full, in delivery order', () => {
    const a = assembler(3);
    for (const n of [1, 2, 3, 4]) a.add(n, 0);
    expect(drain(a)).toEqual([[1, 2, 3]]);
    expect(a.size).toBe(1);
  });

  it('keeps a batch open until its first message has waited maxWaitMs, counted from that first message', () => {
    const a = assembler(10, 20);
    a.add(1, 100);
    a.add(2, 115);
    expect(a.msUntilDue(115)).toBe(5);
    a.sealIfDue(119);
    expect(a.hasSealed).toBe(false);
    a.sealIfDue(120);
    expect(drain(a)).toEqual([[1, 2]]);
    expect(a.msUntilDue(120)).toBeUndefined();
  });

  it('starts the wait afresh for the next batch', () => {
    const a = assembler(2, 20);
    a.add(1, 0);
    a.add(2, 1);
    a.add(3, 50);
    expect(a.msUntilDue(50)).toBe(20);
  });

  it('seals a suspect alone, after sealing what was open before it', () => {
    const a = assembler(5);
    a.add(1, 0);
    a.add(2, 0);
    a.add(3, 0, true);
    a.add(4, 0);
    a.sealAll();
    expect(drain(a)).toEqual([[1, 2], [3], [4]]);
  });

  it('seals every message at once when maxWaitMs is 0', () => {
    const a = assembler(5, 0);
    a.add(1, 0);
    a.add(2, 0);
    expect(drain(a)).toEqual([[1], [2]]);
  });

  it('seals what is open on sealAll, and nothing when nothing is open', () => {
    const a = assembler(5);
    a.sealAll();
    expect(a.hasSealed).toBe(false);
    a.add(1, 0);
    a.sealAll();
    expect(drain(a)).toEqual([[1]]);
  });

  it('bounds a batch by the items its messages carry: sealed before a message that would take it over maxBatch', () => {
    const a = assembler(10);
    a.add(1, 0, false, 4);
    a.add(2, 0, false, 4);
    a.add(3, 0, false, 4);
    a.add(4, 0, false, 6);
    expect(drain(a)).toEqual([[1, 2], [3, 4]]);
  });

  it('makes a batch of a message heavier than maxBatch on its own (a message is never split)', () => {
    const a = assembler(10);
    a.add(1, 0, false, 3);
    a.add(2, 0, false, 25);
    a.add(3, 0, false, 1);
    a.sealAll();
    expect(drain(a)).toEqual([[1], [2], [3]]);
  });

  it('forgets everything on clear', () => {
    const a = assembler(2);
    for (const n of [1, 2, 3]) a.add(n, 0);
    a.clear();
    expect(a.size).toBe(0);
    expect(a.takeSealed()).toBeUndefined();
  });

  it('refuses limits that cannot make a batch', () => {
    expect(() => assembler(0)).toThrow('maxBatch must be a whole number above 0, got 0');
    expect(() => assembler(1, -1)).toThrow('maxWaitMs must not be negative, got -1');
  });
});
