import { JobStatus, ProctorError } from '@proctor/contracts';
import { checkWorkspaceDownload } from './workspace.service';

const codeOf = (status: JobStatus, attempt: number, asked: number) => {
  try {
    checkWorkspaceDownload({ id: 'j', status, attempt }, asked);
    return null;
  } catch (e) {
    return (e as ProctorError).code;
  }
};

describe('checkWorkspaceDownload', () => {
  it('hands the workspace to the current attempt while the job is offered or running', () => {
    expect(codeOf('assigned', 2, 2)).toBeNull();
    expect(codeOf('running', 2, 2)).toBeNull();
  });

  it('refuses an earlier or later attempt as stale', () => {
    expect(codeOf('running', 2, 1)).toBe('job_attempt_stale');
    expect(codeOf('running', 2, 3)).toBe('job_attempt_stale');
  });

  it('refuses a job nobody holds', () => {
    for (const status of ['queued', 'completed', 'failed', 'canceled', 'timed_out'] as const) expect(codeOf(status, 1, 1)).toBe('job_state_conflict');
  });
});
