import { JobView } from '@proctor/contracts';
import { Job } from './job.entity';

/** A job as CI clients know it: its id is `job_id`; env values stay hidden (they may be secrets). */
export function toJobView(job: Job): JobView {
  return {
    job_id: job.id,
    status: job.status,
    success: job.success,
    start_time: job.start_time?.toISOString() ?? null,
    end_time: job.end_time?.toISOString() ?? null,
    image: job.image,
    command: job.command,
    env_keys: Object.keys(job.env).sort(),
    timeout_seconds: job.timeout_seconds,
    limits: { cpus: job.cpus, memory_mb: job.memory_mb, pids: job.pids },
    network: job.network,
    artifacts: job.artifacts,
    priority: job.priority,
    labels: job.labels,
    retries: job.retries,
    webhook_url: job.webhook_url,
    submitted_by: job.submitted_by,
    agent_id: job.agent_id,
    attempt: job.attempt,
    exit_code: job.exit_code,
    reason: job.reason,
    cancel_requested_at: job.cancel_requested_at?.toISOString() ?? null,
    stopped: job.stopped,
    archive: job.archive_size !== null && job.archive_sha256 !== null ? { size: job.archive_size, sha256: job.archive_sha256 } : null,
    created_at: job.created_at.toISOString(),
  };
}
