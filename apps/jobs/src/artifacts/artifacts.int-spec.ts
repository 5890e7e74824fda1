import { signPath } from '@proctor/auth';
import { ArtifactLinkView, JobArtifactView, JobsRpc, JobView, ProctorError } from '@proctor/contracts';
import { serviceTest } from '@proctor/testing';
import { createHash, randomUUID } from 'node:crypto';
import { JOBS_SERVICE } from '../jobs.service-definition';
import { artifactDownloadPath, WorkspaceLinks } from '../workspace/workspace-links';

const SECRET = 'artifacts-test-signing-secret';
const MAX_ARTIFACT_BYTES = 4096;

interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  bytes: Buffer;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const JUNIT = Buffer.from('<testsuite tests="3" failures="0"/>\n');

describe('job artifacts: signed upload by the agent, list, link and download (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(JOBS_SERVICE, { env: { JOBS_SIGNING_SECRET: SECRET, JOBS_MAX_ARTIFACT_BYTES: String(MAX_ARTIFACT_BYTES) } });

  async function request<T>(path: string, init: RequestInit = {}): Promise<Answer<T>> {
    const response = await fetch(`http://127.0.0.1:${ctx.service.port}${path}`, init);
    const bytes = Buffer.from(await response.arrayBuffer());
    const json = response.headers.get('content-type')?.startsWith('application/json');
    return { status: response.status, body: (json ? JSON.parse(bytes.toString('utf8')) : undefined) as T, headers: response.headers, bytes };
  }

  const links = () => ctx.service.app.get(WorkspaceLinks);

  /** The agent's PUT: the upload URL of its claim, `&path=` appended. */
  function upload<T = JobArtifactView>(jobId: string, attempt: number, path: string, content: Buffer) {
    const url = new URL(`${links().artifactUploadUrl(jobId, attempt)}&path=${encodeURIComponent(path)}`);
    return request<T>(url.pathname + url.search, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: content });
  }

  /** A job that declared two artifacts, claimed as attempt `attempt`. */
  async function runningJob(attempt = 1): Promise<JobView> {
    const job = await ctx.rpc.call<JobView>(JobsRpc.Create, { artifacts: ['reports/junit.xml', 'coverage.json'] });
    await ctx.db.query(`UPDATE jobs.jobs SET status = 'running', attempt = $2, agent_id = $3, start_time = now() WHERE id = $1`, [job.job_id, attempt, randomUUID()]);
    return job;
  }

  async function storedArtifacts(jobId: string) {
    return ctx.db.query<{ path: string; attempt: number; size: number }>('SELECT path, attempt, size FROM jobs.job_artifacts WHERE job_id = $1 ORDER BY path', [jobId]);
  }

  it('stores what the agent uploads, lists it, and serves it through a signed link', async () => {
    const job = await runningJob();
    const stored = await upload(job.job_id, 1, 'reports/junit.xml', JUNIT);
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual({ path: 'reports/junit.xml', size: JUNIT.length, sha256: sha256(JUNIT), created_at: expect.any(String) });
    expect((await upload(job.job_id, 1, 'coverage.json', Buffer.from('{"lines": 91.5}'))).status).toBe(200);

    const listed = await ctx.rpc.call<JobArtifactView[]>(JobsRpc.Artifacts, { id: job.job_id });
    expect(listed.map((a) => [a.path, a.size])).toEqual([
      ['coverage.json', 15],
      ['reports/junit.xml', JUNIT.length],
    ]);

    const link = await ctx.rpc.call<ArtifactLinkView>(JobsRpc.ArtifactLink, { id: job.job_id, path: 'reports/junit.xml' });
    expect(new Date(link.expires_at).getTime()).toBeGreaterThan(Date.now());
    const url = new URL(link.url);
    const downloaded = await request(url.pathname + url.search);
    expect(downloaded.status).toBe(200);
    expect(downloaded.bytes.equals(JUNIT)).toBe(true);
    expect(downloaded.headers.get('content-type')).toBe('application/xml');
    expect(downloaded.headers.get('content-disposition')).toBe(`attachment; filename="junit.xml"; filename*=UTF-8''junit.xml`);
  });

  it('replaces an artifact uploaded again, keeping one copy', async () => {
    const job = await runningJob();
    await upload(job.job_id, 1, 'coverage.json', Buffer.from('{"lines": 1}'));
    const again = await upload(job.job_id, 1, 'coverage.json', Buffer.from('{"lines": 100.0}'));
    expect(again.body).toMatchObject({ size: 16 });
    expect(await storedArtifacts(job.job_id)).toEqual([{ path: 'coverage.json', attempt: 1, size: 16 }]);
  });

  it('refuses a path the spec did not name, a stale attempt, a job nobody ran, an upload over the limit and a bad signature', async () => {
    const job = await runningJob(2);
    const refusals: [string, Promise<Answer<{ error: string; details?: object }>>, number, string][] = [
      ['a path not in the spec', upload(job.job_id, 2, 'secrets.txt', Buffer.from('x')), 400, 'validation_failed'],
      ['an earlier attempt', upload(job.job_id, 1, 'coverage.json', Buffer.from('{}')), 409, 'job_attempt_stale'],
      ['over JOBS_MAX_ARTIFACT_BYTES', upload(job.job_id, 2, 'coverage.json', Buffer.alloc(MAX_ARTIFACT_BYTES + 1)), 413, 'payload_too_large'],
    ];
    const queued = await ctx.rpc.call<JobView>(JobsRpc.Create, { artifacts: ['coverage.json'] });
    await ctx.db.query(`UPDATE jobs.jobs SET attempt = 1 WHERE id = $1`, [queued.job_id]);
    refusals.push(['a job back in the queue', upload(queued.job_id, 1, 'coverage.json', Buffer.from('{}')), 409, 'job_state_conflict']);
    const forged = `${signPath('another-secret-entirely', `/artifacts/${job.job_id}/2`, new Date(Date.now() + 60_000))}&path=coverage.json`;
    refusals.push(['a bad signature', request(forged, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: '{}' }), 403, 'forbidden']);
    for (const [what, answer, status, error] of refusals) {
      const { status: got, body } = await answer;
      expect({ what, status: got, error: body.error }).toEqual({ what, status, error });
    }
    expect(await storedArtifacts(job.job_id)).toEqual([]);
    expect(await storedArtifacts(queued.job_id)).toEqual([]);
  });

  it('answers job_not_found and job_artifact_not_found over RPC', async () => {
    const listError = (await ctx.rpc.call(JobsRpc.Artifacts, { id: randomUUID() }).catch((e: unknown) => e)) as ProctorError;
    expect(listError.code).toBe('job_not_found');
    const job = await runningJob();
    expect(await ctx.rpc.call(JobsRpc.Artifacts, { id: job.job_id })).toEqual([]);
    const linkError = (await ctx.rpc.call(JobsRpc.ArtifactLink, { id: job.job_id, path: 'coverage.json' }).catch((e: unknown) => e)) as ProctorError;
    expect(linkError.code).toBe('job_artifact_not_found');
  });

  it('serves a download link for that file only, and not once expired', async () => {
    const job = await runningJob();
    await upload(job.job_id, 1, 'reports/junit.xml', JUNIT);
    await upload(job.job_id, 1, 'coverage.json', Buffer.from('{}'));
    const link = new URL(links().artifactDownloadUrl(job.job_id, 'reports/junit.xml').url);
    const otherFile = link.pathname + link.search.replace(encodeURIComponent('reports/junit.xml'), 'coverage.json');
    const other = await request<{ error: string }>(otherFile);
    expect({ status: other.status, error: other.body.error }).toEqual({ status: 403, error: 'forbidden' });
    const expired = await request<{ error: string; details: object }>(signPath(SECRET, artifactDownloadPath(job.job_id, 'coverage.json'), new Date(Date.now() - 1000)));
    expect({ status: expired.status, body: expired.body }).toMatchObject({ status: 403, body: { error: 'forbidden', details: { reason: 'expired' } } });
    const missing = await request<{ error: string }>(signPath(SECRET, artifactDownloadPath(job.job_id, 'nothing.txt'), new Date(Date.now() + 60_000)));
    expect({ status: missing.status, error: missing.body.error }).toEqual({ status: 404, error: 'job_artifact_not_found' });
  });
});
