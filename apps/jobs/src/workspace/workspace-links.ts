import { Inject, Injectable } from '@nestjs/common';
import { signPath } from '@proctor/auth';
import { JOBS_CONFIG, JobsConfig } from '../jobs-config';
import { Job } from '../job/job.entity';

/*
 * The signed part of each URL. The HTTP controllers rebuild the same strings from the request to
 * check a signature, so these are the one place that says what a URL covers.
 */

/** `GET` of the job's zip by the agent running this attempt. */
export function workspacePath(jobId: string, attempt: number): string {
  return `/workspaces/${jobId}/${attempt}`;
}

/** `PUT` of artifacts by this attempt; the agent appends `&path=`, checked against the job's spec instead. */
export function artifactUploadPath(jobId: string, attempt: number): string {
  return `/artifacts/${jobId}/${attempt}`;
}

/** `GET` of one stored artifact: the path is under the signature, so a link opens that file only. */
export function artifactDownloadPath(jobId: string, path: string): string {
  return `/artifacts/${jobId}?path=${encodeURIComponent(path)}`;
}

/** Signed, expiring URLs of this service's HTTP port (JOBS_PUBLIC_URL, JOBS_SIGNING_SECRET, JOBS_URL_TTL_SECONDS). */
@Injectable()
export class WorkspaceLinks {
  constructor(@Inject(JOBS_CONFIG) private readonly config: JobsConfig) {}

  /** The zip of the job's current attempt; null for a job submitted without an archive. */
  workspaceUrl(job: Pick<Job, 'id' | 'attempt' | 'archive_size'>, now: Date = new Date()): string | null {
    if (job.archive_size === null) return null;
    return this.sign(workspacePath(job.id, job.attempt), now);
  }

  /**
   * Used after the run, so it lasts the job's whole timeout on top of the usual validity: a long
   * job must still be able to hand in its reports.
   */
  artifactUploadUrl(jobId: string, attempt: number, runSeconds = 0, now: Date = new Date()): string {
    const expiresAt = new Date(this.expiry(now).getTime() + runSeconds * 1000);
    return `${this.config.publicUrl}${signPath(this.config.signingSecret, artifactUploadPath(jobId, attempt), expiresAt)}`;
  }


  artifactDownloadUrl(jobId: string, path: string, now: Date = new Date()): { url: string; expires_at: string } {
    const expiresAt = this.expiry(now);
    return { url: `${this.config.publicUrl}${signPath(this.config.signingSecret, artifactDownloadPath(jobId, path), expiresAt)}`, expires_at: expiresAt.toISOString() };
  }

  private sign(path: string, now: Date): string {
    return `${this.config.publicUrl}${signPath(this.config.signingSecret, path, this.expiry(now))}`;
  }

  /** Whole seconds, as the signature carries them, so `expires_at` says exactly when it stops working. */
  private expiry(now: Date): Date {
    return new Date((Math.floor(now.getTime() / 1000) + this.config.urlTtlSeconds) * 1000);
  }
}
