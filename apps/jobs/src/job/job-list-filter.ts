import { JobStatus, ListJobsRequest } from '@proctor/contracts';

/** What a job listing is narrowed to; every part optional, all of them together. */
export interface JobListFilter {
  status?: JobStatus;
  submitted_by?: string;
  /** Jobs whose labels contain this one pair. */
  label?: Record<string, string>;
  /** Created at or after. */
  created_after?: Date;
  /** Created strictly before. */
  created_before?: Date;
}

/** The request's filters as values: `label=team=net` is the pair team → net (split at the first `=`). */
export function jobListFilter(request: Pick<ListJobsRequest, 'status' | 'submitted_by' | 'label' | 'created_after' | 'created_before'>): JobListFilter {
  const filter: JobListFilter = {};
  if (request.status !== undefined) filter.status = request.status;
  if (request.submitted_by !== undefined) filter.submitted_by = request.submitted_by;
  if (request.label !== undefined) {
    const at = request.label.indexOf('=');
    filter.label = { [request.label.slice(0, at)]: request.label.slice(at + 1) };
  }
  if (request.created_after !== undefined) filter.created_after = new Date(request.created_after);
  if (request.created_before !== undefined) filter.created_before = new Date(request.created_before);
  return filter;
}
