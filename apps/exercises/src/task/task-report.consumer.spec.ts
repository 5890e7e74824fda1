import { readReport } from './task-report.consumer';

const agent = '0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11';
const task = '7d8f3b0e-1111-4c7a-9a55-000000000001';
const body = (payload: unknown) => Buffer.from(JSON.stringify(payload));

describe('readReport', () => {
  it('reads accepted and started as TaskStartedMessage, finished as TaskResultMessage', () => {
    expect(readReport('task.started', body({ task_id: task, agent_id: agent, attempt: 1 }), agent)).toMatchObject({ ok: true, report: { task_id: task, attempt: 1 } });
    expect(readReport('task.finished', body({ task_id: task, agent_id: agent, attempt: 2, success: false, error: 'boom' }), undefined)).toMatchObject({
      ok: true,
      report: { success: false, error: 'boom' },
    });
  });

  it('refuses what it cannot apply, saying why', () => {
    expect(readReport('job.finished', body({}), agent)).toEqual({ ok: false, reason: 'not a task report: job.finished' });
    expect(readReport('task.started', Buffer.from('{'), agent)).toEqual({ ok: false, reason: 'invalid payload: not JSON' });
    expect(readReport('task.started', body([1]), agent)).toEqual({ ok: false, reason: 'invalid payload: not a JSON object' });
    const invalid = readReport('task.finished', body({ task_id: task, agent_id: agent, attempt: 0 }), agent);
    expect(invalid.ok).toBe(false);
    expect(!invalid.ok && invalid.reason).toContain('attempt');
    expect(!invalid.ok && invalid.reason).toContain('success');
    const extra = readReport('task.accepted', body({ task_id: task, agent_id: agent, attempt: 1, port: 5201 }), agent);
    expect(!extra.ok && extra.reason).toContain('port');
    const other = readReport('task.accepted', body({ task_id: task, agent_id: agent, attempt: 1 }), 'someone-else');
    expect(other).toEqual({ ok: false, reason: `x-agent-id someone-else does not match agent_id ${agent}` });
  });
});
