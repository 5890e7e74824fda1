import { TaskState } from '@proctor/contracts';
import { reconcileHeldTasks } from './held-task-reconciliation';

const agent = 'agent-a';

describe('reconcileHeldTasks', () => {
  it('keeps what is still active on that agent at that attempt, drops the rest', () => {
    const known = new Map<string, { agent_id: string; attempt: number; state: TaskState }>([
      ['running', { agent_id: agent, attempt: 1, state: 'running' }],
      ['accepted', { agent_id: agent, attempt: 2, state: 'accepted' }],
      ['pending', { agent_id: agent, attempt: 1, state: 'pending' }],
      ['older-attempt', { agent_id: agent, attempt: 3, state: 'running' }],
      ['canceled', { agent_id: agent, attempt: 1, state: 'canceled' }],
      ['someone-else', { agent_id: 'agent-b', attempt: 1, state: 'running' }],
    ]);
    const held = [
      { task_id: 'running', attempt: 1 },
      { task_id: 'accepted', attempt: 2 },
      { task_id: 'pending', attempt: 1 },
      { task_id: 'older-attempt', attempt: 2 },
      { task_id: 'canceled', attempt: 1 },
      { task_id: 'someone-else', attempt: 1 },
      { task_id: 'unknown', attempt: 1 },
    ];
    expect(reconcileHeldTasks(agent, held, known)).toEqual({
      keep: [
        { task_id: 'running', attempt: 1 },
        { task_id: 'accepted', attempt: 2 },
        { task_id: 'pending', attempt: 1 },
      ],
      drop: [
        { task_id: 'older-attempt', attempt: 2 },
        { task_id: 'canceled', attempt: 1 },
        { task_id: 'someone-else', attempt: 1 },
        { task_id: 'unknown', attempt: 1 },
      ],
    });
  });

  it('answers an agent that holds nothing with nothing', () => {
    expect(reconcileHeldTasks(agent, [], new Map())).toEqual({ keep: [], drop: [] });
  });
});
