/** A half-open time interval `[start, end)` in epoch milliseconds, as the `tstzrange '[)'` it is stored as. */
export interface Interval {
  start: number;
  end: number;
}

export interface TestToPlan {
  id: string;
  clientAgentId: string;
  serverAgentId: string;
  durationSeconds: number;
}

export interface PlannedTest {
  testId: string;
  /** Tests that start together form a wave: 0 first, 1 next, … */
  wave: number;
  slot: Interval;
}

function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * Places each test, in the order given, at the earliest time from `notBefore` at which neither of
 * its two agents is busy (with slots already committed, or with tests placed before it). A slot
 * lasts the duration plus a grace. Tests that share an agent thus fall into consecutive slots, and
 * tests on disjoint agents run side by side. The database's exclusion constraint is the guarantee;
 * this only makes the first try right when nothing races.
 */
export function planSlots(tests: TestToPlan[], busy: ReadonlyMap<string, readonly Interval[]>, notBefore: number, graceSeconds: number): PlannedTest[] {
  const taken = new Map<string, Interval[]>();
  for (const [agent, intervals] of busy) taken.set(agent, [...intervals]);
  const slotsOf = (agent: string): Interval[] => {
    let list = taken.get(agent);
    if (!list) taken.set(agent, (list = []));
    return list;
  };

  const placed = tests.map((test) => {
    const length = (test.durationSeconds + graceSeconds) * 1000;
    const agents = [slotsOf(test.clientAgentId), slotsOf(test.serverAgentId)];
    let start = notBefore;
    for (;;) {
      const candidate = { start, end: start + length };
      const blocking = agents.flat().filter((i) => overlaps(i, candidate));
      if (blocking.length === 0) break;
      start = Math.max(...blocking.map((i) => i.end));
    }
    const slot = { start, end: start + length };
    for (const list of agents) list.push(slot);
    return { testId: test.id, slot };
  });

  const starts = [...new Set(placed.map((p) => p.slot.start))].sort((a, b) => a - b);
  return placed.map((p) => ({ ...p, wave: starts.indexOf(p.slot.start) }));
}
