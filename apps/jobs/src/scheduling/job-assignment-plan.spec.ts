import { AgentSlots, planAssignments, QueuedJob } from './job-assignment-plan';

const at = (second: number) => new Date(Date.UTC(2026, 10, 23, 10, 0, second));
const job = (id: string, priority: number, second: number): QueuedJob => ({ id, priority, created_at: at(second) });
const agent = (agent_id: string, max_jobs: number, active = 0): AgentSlots => ({ agent_id, max_jobs, active });

describe('planAssignments', () => {
  it('offers the highest priority first, and FIFO within a priority', () => {
    const jobs = [job('low', -1, 0), job('old', 0, 1), job('urgent', 5, 3), job('new', 0, 2)];
    expect(planAssignments(jobs, [agent('a', 10)]).map((p) => p.job_id)).toEqual(['urgent', 'old', 'new', 'low']);
  });

  it('breaks a tie of priority and time by id, so that the order is always the same', () => {
    expect(planAssignments([job('b', 0, 0), job('a', 0, 0)], [agent('x', 5)]).map((p) => p.job_id)).toEqual(['a', 'b']);
  });

  it('never gives an agent more than its max_jobs, counting what it already runs', () => {
    const plan = planAssignments([job('1', 0, 1), job('2', 0, 2), job('3', 0, 3), job('4', 0, 4)], [agent('a', 3, 1), agent('b', 1)]);
    expect(plan).toHaveLength(3);
    expect(plan.filter((p) => p.agent_id === 'a')).toHaveLength(2);
    expect(plan.filter((p) => p.agent_id === 'b')).toHaveLength(1);
  });

  it('gives the next job to the least loaded agent (share of slots used, then jobs held), so that work spreads', () => {
    const plan = planAssignments([job('1', 0, 1), job('2', 0, 2), job('3', 0, 3)], [agent('busy', 4, 2), agent('idle', 4), agent('half', 2, 1)]);
    expect(plan).toEqual([
      { job_id: '1', agent_id: 'idle' },
      { job_id: '2', agent_id: 'idle' },
      { job_id: '3', agent_id: 'half' },
    ]);
  });

  it('offers nothing when no agent has a free slot, or there is no agent', () => {
    expect(planAssignments([job('1', 0, 1)], [agent('full', 2, 2), agent('none', 0)])).toEqual([]);
    expect(planAssignments([job('1', 0, 1)], [])).toEqual([]);
  });

  it('leaves the agents it was given as they were', () => {
    const agents = [agent('a', 2)];
    planAssignments([job('1', 0, 1)], agents);
    expect(agents[0].active).toBe(0);
  });
});
