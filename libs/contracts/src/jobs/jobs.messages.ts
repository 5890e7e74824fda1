export enum JobsRpc {
  Create = 'jobs.create',
  List = 'jobs.list',
  Get = 'jobs.get',
}

export enum JobsEvent {
  Queued = 'jobs.job.queued',
}

export enum JobErrorCode {
  NotFound = 'job_not_found',
}

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'canceled', 'timed_out'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
