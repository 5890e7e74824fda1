import { JobClaimView } from '@proctor/contracts';
import { Job } from '../job/job.entity';

/** All an agent needs to run a claimed job: the spec with env values (the agent must set them), and its signed URLs. */
export function toJobClaimView(job: Job, urls: { workspace_url: string | null; artifact_upload_url: string }): JobClaimView {
  return {
    job_id: job.id,
    attempt: job.attempt,
    image: job.image,
    command: job.command,
    env: job.env,
    timeout_seconds: job.timeout_seconds,
    limits: { cpus: job.cpus, memory_mb: job.memory_mb, pids: job.pids },
    network: job.network,
    artifacts: job.artifacts,
    ...urls,
  };
}
