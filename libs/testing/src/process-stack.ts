import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { TEST_AMQP_URL } from './test-broker';
import { TestDatabase } from './test-database';

const ROOT = path.resolve(__dirname, '../../..');

export interface StackOptions {
  db: TestDatabase;
  namespace: string;
  /** Extra environment for every app, and per app. */
  env?: Record<string, string>;
  appEnv?: Record<string, Record<string, string>>;
}

interface RunningApp {
  child: ChildProcess;
  port: number;
  logs: string[];
  exited: Promise<number | null>;
}

/** The main of a compiled app (`node tools/build/build.js` first). */
export function appMain(app: string): string {
  return path.join(ROOT, 'dist/apps', app, 'src/main.js');
}

/**
 * Compiled apps running as real processes, as an operator runs them: their own main, their own
 * environment, SIGTERM to stop. Each listens on a free port, read from its "ready" log line.
 */
export class ProcessStack {
  private readonly apps = new Map<string, RunningApp>();
  private readonly stoppedLogs = new Map<string, string[]>();

  constructor(private readonly options: StackOptions) {}

  async start(app: string): Promise<void> {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      PORT: '0',
      DATABASE_URL: this.options.db.urlFor(app),
      AMQP_URL: TEST_AMQP_URL,
      PROCTOR_NAMESPACE: this.options.namespace,
      LOG_LEVEL: 'log',
      ...this.options.env,
      ...this.options.appEnv?.[app],
    };
    const child = spawn(process.execPath, [appMain(app)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const logs: string[] = [];
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${app} not ready in 30 s:\n${logs.slice(-20).join('\n')}`)), 30000);
      const onLine = (line: string) => {
        logs.push(line);
        const ready = /"msg":"(service|gateway) ready"/.test(line) ? /"port":(\d+)|127\.0\.0\.1:(\d+)/.exec(line) : null;
        if (ready) {
          clearTimeout(timer);
          resolve(Number(ready[1] ?? ready[2]));
        }
      };
      for (const stream of [child.stdout, child.stderr]) {
        let buffered = '';
        stream?.on('data', (chunk: Buffer) => {
          buffered += chunk.toString('utf8');
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          lines.filter((l) => l.trim()).forEach(onLine);
        });
      }
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${app} exited with ${code} before it was ready:\n${logs.slice(-20).join('\n')}`));
      });
    });
    this.apps.set(app, { child, port, logs, exited });
  }

  url(app: string): string {
    return `http://127.0.0.1:${this.running(app).port}`;
  }

  /** Log lines of a running app, or of the last run of a stopped one. */
  logs(app: string): string[] {
    return this.apps.get(app)?.logs ?? this.stoppedLogs.get(app) ?? [];
  }

  /** SIGTERM, then the exit code once the app has drained and stopped. */
  async stop(app: string): Promise<number | null> {
    const running = this.running(app);
    running.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([running.exited, new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 20000)))]);
    clearTimeout(timer);
    if (code === 'hung') {
      running.child.kill('SIGKILL');
      throw new Error(`${app} did not stop within 20 s of SIGTERM`);
    }
    this.apps.delete(app);
    this.stoppedLogs.set(app, running.logs);
    return code;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.apps.keys()].map((app) => this.stop(app).catch(() => undefined)));
  }

  private running(app: string): RunningApp {
    const running = this.apps.get(app);
    if (!running) throw new Error(`${app} is not running`);
    return running;
  }
}
