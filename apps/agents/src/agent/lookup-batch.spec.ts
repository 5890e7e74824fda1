import { LookupBatch } from './lookup-batch';

function setUp(maxKeys = 100) {
  const queries: string[][] = [];
  const runs: (() => void)[] = [];
  let fail: Error | undefined;
  const batch = new LookupBatch<string, string>(
    async (keys) => {
      queries.push(keys);
      if (fail) throw fail;
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, `row ${k}`]));
    },
    maxKeys,
    (run) => runs.push(run),
  );
  return { batch, queries, runs, failWith: (e: Error) => (fail = e) };
}

describe('LookupBatch', () => {
  it('answers the keys asked for in one turn with one query, each caller its own value', async () => {
    const { batch, queries, runs } = setUp();
    const answers = Promise.all([batch.get('a'), batch.get('b'), batch.get('a'), batch.get('missing')]);
    expect(runs).toHaveLength(1);
    runs[0]();
    await expect(answers).resolves.toEqual(['row a', 'row b', 'row a', undefined]);
    expect(queries).toEqual([['a', 'b', 'missing']]);
  });

  it('starts a new batch for keys asked after the query went out', async () => {
    const { batch, queries, runs } = setUp();
    const first = batch.get('a');
    runs[0]();
    await first;
    const second = batch.get('b');
    expect(runs).toHaveLength(2);
    runs[1]();
    await expect(second).resolves.toBe('row b');
    expect(queries).toEqual([['a'], ['b']]);
  });

  it('queries at once when the batch is full', async () => {
    const { batch, queries } = setUp(2);
    await expect(Promise.all([batch.get('a'), batch.get('b')])).resolves.toEqual(['row a', 'row b']);
    expect(queries).toEqual([['a', 'b']]);
  });

  it('fails every caller of a batch whose query failed', async () => {
    const { batch, runs, failWith } = setUp();
    failWith(new Error('connection lost'));
    const answers = [batch.get('a'), batch.get('b')];
    runs[0]();
    for (const answer of answers) await expect(answer).rejects.toThrow('connection lost');
  });
});
