import { JobStatus, ProctorError } from '@proctor/contracts';
import { checkArtifactUpload } from './artifact.service';

const codeOf = (status: JobStatus, attempt: number, asked: number, path = 'reports/junit.xml') => {
  try {
    checkArtifactUpload({ id: 'j', status, attempt, artifacts: ['reports/junit.xml', 'coverage.json'] }, asked, path);
    return null;
  } catch (e) {
    return (e as ProctorError).code;
  }
};

describe('checkArtifactUpload', () => {
  it('takes a named artifact from the current attempt, running or just ended', () => {
    for (const status of ['running', 'completed', 'failed', 'timed_out', 'canceled'] as const) expect(codeOf(status, 1, 1)).toBeNull();
  });

  it('refuses another attempt as stale', () => {
    expect(codeOf('running', 2, 1)).toBe('job_attempt_stale');
  });

  it('refuses a job that nothing has run yet (queued again after a lost agent, or only offered)', () => {
    expect(codeOf('queued', 1, 1)).toBe('job_state_conflict');
    expect(codeOf('assigned', 1, 1)).toBe('job_state_conflict');
  });

  it('refuses a path the spec did not name', () => {
    expect(codeOf('running', 1, 1, 'reports/other.xml')).toBe('validation_failed');
    expect(codeOf('running', 1, 1, '../../etc/passwd')).toBe('validation_failed');
  });
});
