import { ProctorError } from '@proctor/contracts';
import { JobsConfig } from '../jobs-config';
import { requireSignature } from './signed-request';
import { artifactDownloadPath, artifactUploadPath, WorkspaceLinks, workspacePath } from './workspace-links';

const JOB = '0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11';
const config = { publicUrl: 'https://jobs.lab.example:8443', signingSecret: 'a-test-signing-secret', urlTtlSeconds: 900 } as JobsConfig;
const links = new WorkspaceLinks(config);
const now = new Date('2026-11-23T12:00:00.700Z');

/** What the service checks when the URL comes back: its signed part and its signature. */
function parts(url: string) {
  const parsed = new URL(url);
  const expires = parsed.searchParams.get('expires') ?? undefined;
  const sig = parsed.searchParams.get('sig') ?? undefined;
  return { origin: parsed.origin, pathname: parsed.pathname, query: parsed.searchParams, expires, sig };
}

describe('WorkspaceLinks', () => {
  it('signs the workspace of the current attempt on JOBS_PUBLIC_URL, for JOBS_URL_TTL_SECONDS', () => {
    const url = links.workspaceUrl({ id: JOB, attempt: 3, archive_size: 2048 }, now) as string;
    const { origin, pathname, expires, sig } = parts(url);
    expect(origin).toBe('https://jobs.lab.example:8443');
    expect(pathname).toBe(`/workspaces/${JOB}/3`);
    expect(Number(expires)).toBe(Math.floor(now.getTime() / 1000) + 900);
    expect(() => requireSignature(config.signingSecret, workspacePath(JOB, 3), { expires, sig }, now)).not.toThrow();
    expect(() => requireSignature(config.signingSecret, workspacePath(JOB, 4), { expires, sig }, now)).toThrow(ProctorError);
  });

  it('has no workspace URL for a job submitted without an archive', () => {
    expect(links.workspaceUrl({ id: JOB, attempt: 1, archive_size: null }, now)).toBeNull();
  });

  it('signs the upload base of one attempt, to which the agent appends the path', () => {
    const url = `${links.artifactUploadUrl(JOB, 2, 0, now)}&path=${encodeURIComponent('reports/junit.xml')}`;
    const { pathname, query, expires, sig } = parts(url);
    expect(pathname).toBe(`/artifacts/${JOB}/2`);
    expect(query.get('path')).toBe('reports/junit.xml');
    expect(() => requireSignature(config.signingSecret, artifactUploadPath(JOB, 2), { expires, sig }, now)).not.toThrow();
  });

  it('signs a download of one artifact, its path under the signature, and says when it expires', () => {
    const link = links.artifactDownloadUrl(JOB, 'reports/junit 1.xml', now);
    expect(link.expires_at).toBe('2026-11-23T12:15:00.000Z');
    const { pathname, query, expires, sig } = parts(link.url);
    expect(pathname).toBe(`/artifacts/${JOB}`);
    expect(query.get('path')).toBe('reports/junit 1.xml');
    expect(() => requireSignature(config.signingSecret, artifactDownloadPath(JOB, 'reports/junit 1.xml'), { expires, sig }, now)).not.toThrow();
    expect(() => requireSignature(config.signingSecret, artifactDownloadPath(JOB, 'coverage.json'), { expires, sig }, now)).toThrow(ProctorError);
    expect(() => requireSignature(config.signingSecret, artifactDownloadPath(JOB, 'reports/junit 1.xml'), { expires, sig }, new Date('2026-11-23T12:15:01Z'))).toThrow(
      'this link has expired',
    );
  });
});

describe('requireSignature', () => {
  it('refuses a repeated parameter rather than picking one', () => {
    const link = new URL(links.artifactDownloadUrl(JOB, 'a.txt', now).url);
    const sig = link.searchParams.get('sig');
    const error = (() => {
      try {
        requireSignature(config.signingSecret, artifactDownloadPath(JOB, 'a.txt'), { expires: link.searchParams.get('expires'), sig: [sig, sig] }, now);
      } catch (e) {
        return e as ProctorError;
      }
    })();
    expect(error?.code).toBe('forbidden');
    expect(error?.details).toEqual({ reason: 'missing' });
  });
});
