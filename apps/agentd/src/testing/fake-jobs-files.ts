import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import * as yazl from 'yazl';

/** An artifact as the jobs service received it. */
export interface ReceivedArtifact {
  jobId: string;
  attempt: number;
  path: string;
  body: Buffer;
  contentType: string | undefined;
}

const SIGNED = 'expires=4102444800&sig=test-signature';

/**
 * The jobs service's HTTP port as agents use it, for agentd's tests: signed workspace downloads
 * (`GET /workspaces/<job>/<attempt>?expires=&sig=`) of zips the test registers, and artifact
 * uploads (`PUT /artifacts/<job>/<attempt>?expires=&sig=&path=`), recorded. A request without the
 * signature is refused 403, as the real one refuses a bad one.
 */
export class FakeJobsFiles {
  readonly artifacts: ReceivedArtifact[] = [];
  readonly downloads: string[] = [];
  private readonly archives = new Map<string, Buffer>();
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Serves `zip` as the workspace of this job attempt; returns its signed URL. */
  serveWorkspace(jobId: string, attempt: number, zip: Buffer): string {
    this.archives.set(`${jobId}/${attempt}`, zip);
    return `${this.url}/workspaces/${jobId}/${attempt}?${SIGNED}`;
  }

  /** The signed base an agent adds `&path=` to. */
  artifactUploadUrl(jobId: string, attempt: number): string {
    return `${this.url}/artifacts/${jobId}/${attempt}?${SIGNED}`;
  }

  artifactsOf(jobId: string): ReceivedArtifact[] {
    return this.artifacts.filter((a) => a.jobId === jobId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://jobs');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (url.searchParams.get('sig') !== 'test-signature') return send(res, 403, { error: 'signature_invalid', message: 'bad or missing signature', details: {} });
    const workspace = /^\/workspaces\/([^/]+)\/(\d+)$/.exec(url.pathname);
    if (workspace && req.method === 'GET') {
      const zip = this.archives.get(`${workspace[1]}/${workspace[2]}`);
      if (!zip) return send(res, 404, { error: 'job_not_found', message: 'no archive', details: {} });
      this.downloads.push(url.pathname);
      res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': zip.length });
      res.end(zip);
      return;
    }
    const artifact = /^\/artifacts\/([^/]+)\/(\d+)$/.exec(url.pathname);
    if (artifact && req.method === 'PUT') {
      const path = url.searchParams.get('path');
      if (!path) return send(res, 400, { error: 'validation_failed', message: 'path is required', details: {} });
      const contentType = req.headers['content-type'];
      this.artifacts.push({ jobId: artifact[1], attempt: Number(artifact[2]), path, body: Buffer.concat(chunks), contentType });
      return send(res, 201, { path, size: Buffer.concat(chunks).length });
    }
    send(res, 404, { error: 'not_found', message: `no route ${req.method} ${url.pathname}`, details: {} });
  }
}

/** A project zip as a submitter's tool writes it (mode: unix file mode, e.g. 0o100755). */
export async function projectZip(entries: { name: string; data?: string; mode?: number; dir?: boolean }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    if (entry.dir) zip.addEmptyDirectory(entry.name);
    else zip.addBuffer(Buffer.from(entry.data ?? ''), entry.name, entry.mode === undefined ? {} : { mode: entry.mode });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
