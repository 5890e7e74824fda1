import { reconcileHeldTasks } from './held-task-reconciliation';

const a = { task_id: 'aaaaaaaa-0000-4000-8000-000000000001', attempt: 1 };
const b = { task_id: 'bbbbbbbb-0000-4000-8000-000000000002', attempt: 2 };
const c = { task_id: 'cccccccc-0000-4000-8000-000000000003', attempt: 1 };

describe('reconcileHeldTasks', () => {
  it('keeps what the server keeps and kills what it drops', () => {
    expect(reconcileHeldTasks([a, b], { keep: [a], drop: [b] })).toEqual({ keep: [a], kill: [b] });
  });

  it('kills a held task the server does not mention', () => {
    expect(reconcileHeldTasks([a, c], { keep: [a], drop: [] })).toEqual({ keep: [a], kill: [c] });
  });

  it('kills a held attempt when the server keeps another attempt of the task', () => {
    expect(reconcileHeldTasks([b], { keep: [{ ...b, attempt: 3 }], drop: [] })).toEqual({ keep: [], kill: [b] });
  });

  it('has nothing to do when nothing is held', () => {
    expect(reconcileHeldTasks([], { keep: [a], drop: [b] })).toEqual({ keep: [], kill: [] });
  });
});
