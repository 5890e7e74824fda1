import { JobView } from '@proctor/contracts';
import { Job } from './job.entity';

/** A job as CI clients know it: its id is `job_id`. */
export function toJobView(job: Job): JobView {
  return {
    job_id: job.id,
    status: job.status,
    success: job.success,
    start_time: job.start_time?.toISOString() ?? null,
    end_time: job.end_time?.toISOString() ?? null,
    image: job.image,
    command: job.command,
    priority: job.priority,
    labels: job.labels,
    submitted_by: job.submitted_by,
    created_at: job.created_at.toISOString(),
  };
}
