import { jobListFilter } from './job-list-filter';

describe('jobListFilter', () => {
  it('is empty for a request without filters', () => {
    expect(jobListFilter({})).toEqual({});
  });

  it('reads a label as one key=value pair, split at the first equals sign', () => {
    expect(jobListFilter({ label: 'team=net' }).label).toEqual({ team: 'net' });
    expect(jobListFilter({ label: 'expr=a=b' }).label).toEqual({ expr: 'a=b' });
    expect(jobListFilter({ label: 'empty=' }).label).toEqual({ empty: '' });
  });

  it('reads the time bounds as instants and keeps status and submitter as they are', () => {
    expect(jobListFilter({ status: 'running', submitted_by: 'ci-bot', created_after: '2026-11-23T10:00:00+01:00', created_before: '2026-11-24T00:00:00Z' })).toEqual({
      status: 'running',
      submitted_by: 'ci-bot',
      created_after: new Date('2026-11-23T09:00:00Z'),
      created_before: new Date('2026-11-24T00:00:00Z'),
    });
  });
});
