import { JobArtifactView } from '@proctor/contracts';
import { JobArtifactSummary } from './job-artifact.repository';

export function toJobArtifactView(artifact: JobArtifactSummary): JobArtifactView {
  return { path: artifact.path, size: artifact.size, sha256: artifact.sha256, created_at: new Date(artifact.created_at).toISOString() };
}
