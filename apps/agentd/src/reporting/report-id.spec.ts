import { JobReport, TaskReport } from '@proctor/contracts';
import { JOB_CLAIM, reportId } from './report-id';

const agent = '0b9a3c4e-8f6d-4f0e-9a51-3c2d1e0f4a5b';
const task = '7d2e4f60-1a3b-4c5d-8e9f-0a1b2c3d4e5f';

describe('reportId', () => {
  it('is a version-5 UUID', () => {
    expect(reportId(agent, task, 1, TaskReport.Started)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('is the same for the same report, whenever it is computed', () => {
    expect(reportId(agent, task, 2, TaskReport.Finished)).toBe(reportId(agent, task, 2, TaskReport.Finished));
  });

  it('differs by agent, task, attempt and kind', () => {
    const ids = new Set([
      reportId(agent, task, 1, TaskReport.Started),
      reportId(agent, task, 1, TaskReport.Finished),
      reportId(agent, task, 1, TaskReport.Accepted),
      reportId(agent, task, 2, TaskReport.Started),
      reportId(task, agent, 1, TaskReport.Started),
      reportId(agent, task, 1, JobReport.Finished),
      reportId(agent, task, 1, JobReport.Cancelling),
      reportId(agent, task, 1, JOB_CLAIM),
    ]);
    expect(ids.size).toBe(8);
  });
});
