import { RecentTasks } from './recent-tasks';

describe('RecentTasks', () => {
  it('remembers task attempts, each attempt on its own', () => {
    const recent = new RecentTasks(10);
    recent.add('t1', 1);
    expect(recent.has('t1', 1)).toBe(true);
    expect(recent.has('t1', 2)).toBe(false);
  });

  it('forgets the oldest beyond its capacity', () => {
    const recent = new RecentTasks(2);
    recent.add('t1', 1);
    recent.add('t2', 1);
    recent.add('t1', 1);
    recent.add('t3', 1);
    expect([recent.has('t1', 1), recent.has('t2', 1), recent.has('t3', 1)]).toEqual([true, false, true]);
  });
});
