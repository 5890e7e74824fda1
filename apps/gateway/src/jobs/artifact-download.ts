import { CommonErrorCode, ProctorError } from '@proctor/contracts';

const ARTIFACTS_ROUTE = '/artifacts/';

/**
 * The part of a signed artifact link the jobs service serves: from `/artifacts/` on, query and
 * signature included. The link is built on JOBS_PUBLIC_URL (how agents reach the service, maybe
 * through a proxy with a path prefix); the gateway fetches it on JOBS_URL, its own way there.
 */
export function artifactPathOnJobsService(signedUrl: string): string {
  const url = new URL(signedUrl);
  const at = url.pathname.lastIndexOf(ARTIFACTS_ROUTE);
  if (at < 0) throw new ProctorError(CommonErrorCode.Internal, 'the jobs service gave an artifact link the gateway cannot read', { url: url.pathname });
  return `${url.pathname.slice(at)}${url.search}`;
}

/** `attachment` with the artifact's file name, quoted safely, and its UTF-8 form for non-ASCII names. */
export function artifactContentDisposition(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1) || 'artifact';
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The artifact path of a download URL: as a job's spec lists it (jobs.artifact-link says whether it exists). */
export function checkArtifactPath(path: string | undefined): string {
  if (!path || path.length > 256) {
    throw new ProctorError(CommonErrorCode.ValidationFailed, 'the artifact path must be 1 to 256 characters', { fields: { path: ['path must be 1 to 256 characters'] } });
  }
  return path;
}
