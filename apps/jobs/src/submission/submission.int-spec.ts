import { signPath, signSubmission, SUBMISSION_HEADERS } from '@proctor/auth';
import { JobsEvent, JobsRpc, JobView } from '@proctor/contracts';
import { serviceTest } from '@proctor/testing';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { JOBS_SERVICE } from '../jobs.service-definition';
import { withTextReplaced, zipOf } from '../testing/test-zip';
import { workspacePath, WorkspaceLinks } from '../workspace/workspace-links';

const SECRET = 'submission-test-signing-secret';
const MAX_ARCHIVE_BYTES = 64 * 1024;

interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  bytes: Buffer;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('submitting a project zip over the jobs service HTTP port (real Postgres and RabbitMQ)', () => {
  const ctx = serviceTest(JOBS_SERVICE, { env: { JOBS_SIGNING_SECRET: SECRET, JOBS_MAX_ARCHIVE_BYTES: String(MAX_ARCHIVE_BYTES) } });

  async function request<T>(path: string, init: RequestInit = {}): Promise<Answer<T>> {
    const response = await fetch(`http://127.0.0.1:${ctx.service.port}${path}`, init);
    const bytes = Buffer.from(await response.arrayBuffer());
    const json = response.headers.get('content-type')?.startsWith('application/json');
    return { status: response.status, body: (json ? JSON.parse(bytes.toString('utf8')) : undefined) as T, headers: response.headers, bytes };
  }

  /** What the gateway sends: the zip, the fields base64url JSON, the submitter, signed. */
  function submit<T = JobView>(zip: Buffer, fields: Record<string, string> = {}, options: { signature?: string; contentType?: string } = {}) {
    const encoded = Buffer.from(JSON.stringify(fields)).toString('base64url');
    const submittedBy = 'admin';
    const signature = options.signature ?? signSubmission(SECRET, { body: zip, fields: encoded, submittedBy });
    return request<T>('/internal/jobs', {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/zip',
        [SUBMISSION_HEADERS.fields]: encoded,
        [SUBMISSION_HEADERS.submittedBy]: submittedBy,
        [SUBMISSION_HEADERS.signature]: signature,
      },
      body: zip,
    });
  }

  /**
   * As the gateway streams a client's upload: the zip chunked, the fields and the signature in
   * trailers after it (over `signedZip`, the zip itself unless a test says otherwise).
   */
  function submitStreamed(zip: Buffer, fields: Record<string, string>, signedZip: Buffer = zip): Promise<Answer<JobView & { error?: string }>> {
    const encoded = Buffer.from(JSON.stringify(fields)).toString('base64url');
    const signature = signSubmission(SECRET, { body: signedZip, fields: encoded, submittedBy: 'ci' });
    return new Promise((resolve, reject) => {
      const req = http.request(`http://127.0.0.1:${ctx.service.port}/internal/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/zip', [SUBMISSION_HEADERS.submittedBy]: 'ci', trailer: `${SUBMISSION_HEADERS.fields}, ${SUBMISSION_HEADERS.signature}` },
      });
      req.on('error', reject);
      req.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(bytes.toString('utf8')) as JobView, headers: new Headers(), bytes });
        });
      });
      const half = Math.floor(zip.length / 2);
      req.write(zip.subarray(0, half));
      req.write(zip.subarray(half));
      req.addTrailers({ [SUBMISSION_HEADERS.fields]: encoded, [SUBMISSION_HEADERS.signature]: signature });
      req.end();
    });
  }

  async function storedCounts() {
    const [row] = await ctx.db.query<{ jobs: string; archives: string; events: string }>(
      `SELECT (SELECT count(*) FROM jobs.jobs) AS jobs, (SELECT count(*) FROM jobs.job_archives) AS archives, (SELECT count(*) FROM jobs.outbox) AS events`,
    );
    return row;
  }

  /** A signed URL made by the service, asked on the test's port. */
  const onTestPort = (url: string) => {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  };

  describe('a good submission', () => {
    it('queues the job with its archive and the queued event, honouring proctor.yml with the form fields winning', async () => {
      const zip = await zipOf([
        { name: 'proctor.yml', content: 'image: alpine:3\ncommand: make test\ntimeout_seconds: 120\nlabels: { team: net }\n' },
        { name: 'run-tests.sh', content: '#!/bin/sh\necho ok\n', mode: 0o100755 },
      ]);
      const answer = await submit(zip, { command: '["sh", "-c", "echo from the form"]', priority: '4', labels: 'tier=1' });
      expect(answer.status).toBe(201);
      const job = answer.body;
      expect(job).toMatchObject({
        status: 'queued',
        image: 'alpine:3',
        command: ['sh', '-c', 'echo from the form'],
        timeout_seconds: 120,
        priority: 4,
        labels: { team: 'net', tier: '1' },
        submitted_by: 'admin',
        archive: { size: zip.length, sha256: sha256(zip) },
      });
      const [archive] = await ctx.db.query<{ content: Buffer; size: number; sha256: string }>('SELECT content, size, sha256 FROM jobs.job_archives WHERE job_id = $1', [
        job.job_id,
      ]);
      expect(archive.content.equals(zip)).toBe(true);
      expect(archive).toMatchObject({ size: zip.length, sha256: sha256(zip) });
      const events = await ctx.db.query<{ routing_key: string; payload: unknown }>(`SELECT routing_key, payload FROM jobs.outbox WHERE payload->>'job_id' = $1`, [job.job_id]);
      expect(events).toEqual([{ routing_key: JobsEvent.Queued, payload: { job_id: job.job_id, priority: 4 } }]);
    });

    it('queues a zip streamed in chunks with the fields and the signature trailing it, as the gateway sends it', async () => {
      const zip = await zipOf([{ name: 'run-tests.sh', content: '#!/bin/sh\necho ok\n', mode: 0o100755 }]);
      const answer = await submitStreamed(zip, { image: 'alpine:3', priority: '3' });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ status: 'queued', image: 'alpine:3', priority: 3, submitted_by: 'ci', archive: { size: zip.length, sha256: sha256(zip) } });
    });

    it('takes installation defaults where neither proctor.yml nor the form says', async () => {
      const answer = await submit(await zipOf([{ name: 'run-tests.sh', content: 'echo ok\n' }]));
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ image: 'proctor-runner:latest', network: 'none', priority: 0, timeout_seconds: 3600 });
    });
  });

  describe('a refused submission answers its status and envelope and stores nothing', () => {
    const cases: { name: string; zip: () => Promise<Buffer>; fields?: Record<string, string>; status: number; error: string; details?: object }[] = [
      {
        name: 'an entry climbing out with ../',
        zip: async () => withTextReplaced(await zipOf([{ name: 'xx/evil', content: 'x' }]), 'xx/evil', '../evil'),
        status: 400,
        error: 'job_archive_invalid',
        details: { reason: 'unsafe_path', entry: '../evil' },
      },
      {
        name: 'a symlink',
        zip: () => zipOf([{ name: 'passwd', content: '/etc/passwd', mode: 0o120777 }]),
        status: 400,
        error: 'job_archive_invalid',
        details: { reason: 'symlink' },
      },
      {
        name: 'a zip bomb',
        zip: () => zipOf([{ name: 'zeros.bin', content: Buffer.alloc(16 * 1024 * 1024) }]),
        status: 400,
        error: 'job_archive_invalid',
        details: { reason: 'compression_ratio', limit: 'JOBS_MAX_COMPRESSION_RATIO' },
      },
      { name: 'garbage bytes', zip: async () => randomBytes(2048), status: 400, error: 'job_archive_invalid', details: { reason: 'malformed' } },
      {
        name: 'an invalid proctor.yml',
        zip: () => zipOf([{ name: 'proctor.yml', content: 'timeout_seconds: forever\n' }]),
        status: 400,
        error: 'job_spec_invalid',
        details: { source: 'proctor.yml', fields: { timeout_seconds: expect.any(Array) } },
      },
      {
        name: 'an unknown form field',
        zip: () => zipOf([{ name: 'a.txt', content: 'x' }]),
        fields: { imag: 'alpine' },
        status: 400,
        error: 'job_spec_invalid',
        details: { source: 'form', fields: { imag: expect.any(Array) } },
      },
      {
        name: 'a form value out of range',
        zip: () => zipOf([{ name: 'a.txt', content: 'x' }]),
        fields: { memory_mb: '1' },
        status: 400,
        error: 'job_spec_invalid',
        details: { source: 'form', fields: { memory_mb: expect.any(Array) } },
      },
      {
        name: 'an archive over JOBS_MAX_ARCHIVE_BYTES',
        zip: () => zipOf([{ name: 'noise.bin', content: randomBytes(MAX_ARCHIVE_BYTES), compress: false }]),
        status: 413,
        error: 'job_archive_too_large',
        details: { limit: 'JOBS_MAX_ARCHIVE_BYTES', max: MAX_ARCHIVE_BYTES },
      },
    ];

    it.each(cases)('$name: $status $error', async ({ zip, fields, status, error, details }) => {
      const before = await storedCounts();
      const answer = await submit<{ error: string; message: string; details: object }>(await zip(), fields);
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual({ error, message: expect.any(String), details: expect.objectContaining(details ?? {}) });
      expect(await storedCounts()).toEqual(before);
    });

    it('401 unauthorized without a valid signature', async () => {
      const zip = await zipOf([{ name: 'a.txt', content: 'x' }]);
      const before = await storedCounts();
      const forged = signSubmission('another-secret-entirely', { body: zip, fields: 'e30', submittedBy: 'admin' });
      for (const signature of [forged, '', 't=1,v1=00']) {
        const answer = await submit<{ error: string }>(zip, {}, { signature });
        expect(answer.status).toBe(401);
        expect(answer.body.error).toBe('unauthorized');
      }
      // Signed for other fields than those sent.
      const other = signSubmission(SECRET, { body: zip, fields: Buffer.from('{"priority":"9"}').toString('base64url'), submittedBy: 'admin' });
      expect((await submit(zip, {}, { signature: other })).status).toBe(401);
      expect(await storedCounts()).toEqual(before);
    });

    it('401 for a streamed zip other than the one its trailing signature covers', async () => {
      const zip = await zipOf([{ name: 'a.txt', content: 'x' }]);
      const before = await storedCounts();
      const answer = await submitStreamed(zip, {}, await zipOf([{ name: 'a.txt', content: 'y' }]));
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe('unauthorized');
      expect(await storedCounts()).toEqual(before);
    });

    it('415 for a body that is not application/zip', async () => {
      const answer = await submit<{ error: string }>(await zipOf([{ name: 'a.txt' }]), {}, { contentType: 'application/x-tar' });
      expect(answer.status).toBe(415);
      expect(answer.body.error).toBe('validation_failed');
    });
  });

  describe('the workspace download', () => {
    let job: JobView;
    let zip: Buffer;

    beforeAll(async () => {
      zip = await zipOf([{ name: 'run-tests.sh', content: 'echo workspace\n' }]);
      job = (await submit(zip)).body;
      // As the dispatcher and a claim would leave it: running attempt 1 on some agent.
      await ctx.db.query(`UPDATE jobs.jobs SET status = 'running', attempt = 1, agent_id = $2, assigned_at = now(), start_time = now() WHERE id = $1`, [
        job.job_id,
        randomUUID(),
      ]);
    });

    const links = () => ctx.service.app.get(WorkspaceLinks);

    it('serves the zip to a valid signed URL of the current attempt', async () => {
      const url = links().workspaceUrl({ id: job.job_id, attempt: 1, archive_size: zip.length });
      const answer = await request(onTestPort(url as string));
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/zip');
      expect(answer.bytes.equals(zip)).toBe(true);
    });

    it('403 forbidden for an expired or tampered signature, and none', async () => {
      const expired = signPath(SECRET, workspacePath(job.job_id, 1), new Date(Date.now() - 1000));
      const good = onTestPort(links().workspaceUrl({ id: job.job_id, attempt: 1, archive_size: 1 }) as string);
      const tampered = good.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
      const otherJob = good.replace(job.job_id, randomUUID());
      for (const [path, reason] of [
        [expired, 'expired'],
        [tampered, 'invalid'],
        [otherJob, 'invalid'],
        [workspacePath(job.job_id, 1), 'missing'],
      ]) {
        const answer = await request<{ error: string; details: { reason: string } }>(path);
        expect({ path, status: answer.status, error: answer.body.error, reason: answer.body.details.reason }).toEqual({ path, status: 403, error: 'forbidden', reason });
      }
    });

    it('409 for an attempt that is not the current one, or a job nobody holds', async () => {
      const stale = onTestPort(links().workspaceUrl({ id: job.job_id, attempt: 2, archive_size: 1 }) as string);
      expect((await request<{ error: string }>(stale)).body.error).toBe('job_attempt_stale');
      const queued = (await submit(await zipOf([{ name: 'a.txt' }]))).body;
      // Offered once, then back in the queue: attempt 1 is current, but nobody holds the job.
      await ctx.db.query(`UPDATE jobs.jobs SET attempt = 1 WHERE id = $1`, [queued.job_id]);
      const notHeld = await request<{ error: string }>(onTestPort(links().workspaceUrl({ id: queued.job_id, attempt: 1, archive_size: 1 }) as string));
      expect({ status: notHeld.status, error: notHeld.body.error }).toEqual({ status: 409, error: 'job_state_conflict' });
    });

    it('404 for a job that does not exist, and for one submitted without an archive', async () => {
      const unknown = await request<{ error: string }>(onTestPort(links().workspaceUrl({ id: randomUUID(), attempt: 1, archive_size: 1 }) as string));
      expect({ status: unknown.status, error: unknown.body.error }).toEqual({ status: 404, error: 'job_not_found' });
      const bare = await ctx.rpc.call<JobView>(JobsRpc.Create, {});
      expect(bare.archive).toBeNull();
      expect(links().workspaceUrl({ id: bare.job_id, attempt: 1, archive_size: null })).toBeNull();
      await ctx.db.query(`UPDATE jobs.jobs SET status = 'running', attempt = 1 WHERE id = $1`, [bare.job_id]);
      const none = await request<{ error: string }>(signPath(SECRET, workspacePath(bare.job_id, 1), new Date(Date.now() + 60_000)));
      expect({ status: none.status, error: none.body.error }).toEqual({ status: 404, error: 'not_found' });
    });
  });
});
