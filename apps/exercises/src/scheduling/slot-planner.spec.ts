import { Interval, planSlots, TestToPlan } from './slot-planner';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const s = (seconds: number) => T0 + seconds * 1000;

function test(id: string, client: string, server: string, durationSeconds = 10): TestToPlan {
  return { id, clientAgentId: client, serverAgentId: server, durationSeconds };
}

describe('planSlots', () => {
  it('runs tests on disjoint agents side by side in wave 0', () => {
    const plan = planSlots([test('t1', 'a', 'b'), test('t2', 'c', 'd')], new Map(), T0, 5);
    expect(plan).toEqual([
      { testId: 't1', wave: 0, slot: { start: T0, end: s(15) } },
      { testId: 't2', wave: 0, slot: { start: T0, end: s(15) } },
    ]);
  });

  it('puts tests that share an agent into consecutive slots, in later waves', () => {
    const plan = planSlots([test('t1', 'a', 'b'), test('t2', 'b', 'c'), test('t3', 'c', 'd')], new Map(), T0, 5);
    expect(plan).toEqual([
      { testId: 't1', wave: 0, slot: { start: T0, end: s(15) } },
      // Shares b with t1: right after it.
      { testId: 't2', wave: 1, slot: { start: s(15), end: s(30) } },
      // Shares c with t2, but c is free before t2 begins: it goes first, beside t1.
      { testId: 't3', wave: 0, slot: { start: T0, end: s(15) } },
    ]);
  });

  it('chains waves when each test shares an agent with the one before', () => {
    const plan = planSlots([test('t1', 'a', 'b'), test('t2', 'a', 'c'), test('t3', 'c', 'a')], new Map(), T0, 0);
    expect(plan.map((p) => [p.testId, p.wave, (p.slot.start - T0) / 1000])).toEqual([
      ['t1', 0, 0],
      ['t2', 1, 10],
      ['t3', 2, 20],
    ]);
  });

  it('uses a gap between committed slots when the test fits, and skips it when not', () => {
    const busy = new Map<string, Interval[]>([['a', [{ start: T0, end: s(10) }, { start: s(30), end: s(60) }]]]);
    expect(planSlots([test('fits', 'a', 'b', 15)], busy, T0, 5)[0].slot).toEqual({ start: s(10), end: s(30) });
    expect(planSlots([test('too-long', 'a', 'b', 16)], busy, T0, 5)[0].slot).toEqual({ start: s(60), end: s(81) });
  });

  it('waits for the busier of the two agents', () => {
    const busy = new Map<string, Interval[]>([
      ['a', [{ start: T0, end: s(20) }]],
      ['b', [{ start: s(15), end: s(40) }]],
    ]);
    expect(planSlots([test('t', 'a', 'b')], busy, T0, 0)[0].slot).toEqual({ start: s(40), end: s(50) });
  });

  it('never overlaps two slots of one agent, whatever the mix', () => {
    const agents = ['a', 'b', 'c', 'd', 'e'];
    const tests: TestToPlan[] = [];
    for (let i = 0; i < 40; i++) {
      const client = agents[(i * 7) % 5];
      const server = agents[(i * 3 + 1) % 5 === (i * 7) % 5 ? (i * 3 + 2) % 5 : (i * 3 + 1) % 5];
      tests.push(test(`t${i}`, client, server, 1 + (i % 4)));
    }
    const plan = planSlots(tests, new Map(), T0, 1);
    for (const agent of agents) {
      const slots = plan.filter((p) => tests.find((t) => t.id === p.testId && (t.clientAgentId === agent || t.serverAgentId === agent))).map((p) => p.slot);
      slots.sort((x, y) => x.start - y.start);
      for (let i = 1; i < slots.length; i++) expect(slots[i].start).toBeGreaterThanOrEqual(slots[i - 1].end);
    }
  });
});
