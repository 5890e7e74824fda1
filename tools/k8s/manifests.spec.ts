import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Container } from 'kubernetes-models/v1/Container';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PodSpec } from 'kubernetes-models/v1/PodSpec';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';

// The kustomize layout of k8s/, checked offline: each object against the Kubernetes schemas of
// kubernetes-models, then what an operator relies on. Where kubectl is installed the overlays are
// also rendered (`kubectl kustomize` needs no cluster) and the rendered objects checked.
const root = join(__dirname, '../..');
const k8s = join(root, 'k8s');
const base = join(k8s, 'base');

/** The apps and HTTP ports of DESIGN.md ("Ports and names"). */
const PORTS: Record<string, number> = { gateway: 8080, agents: 8081, exercises: 8082, jobs: 8083, fleet: 8084, hosts: 8085 };
const APPS = Object.keys(PORTS);
/** The services with a `migrate` command (runService); the gateway migrates at start only. */
const MIGRATING = APPS.filter((app) => app !== 'gateway');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface Kustomization {
  kind: string;
  namespace?: string;
  resources?: string[];
  components?: string[];
  replicas?: { name: string; count: number }[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

type Validating = new (data: never) => { validate(): void };
const MODELS: Record<string, Validating> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml')
    .sort();
}

function parseManifests(text: string, source: string): Manifest[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0].message}`);
    const value = doc.toJS() as Manifest | null;
    return value === null ? [] : [value];
  });
}

function loadDir(dir: string): Manifest[] {
  return yamlFiles(dir).flatMap((file) => parseManifests(readFileSync(join(dir, file), 'utf8'), file));
}

function kustomization(dir: string): Kustomization {
  return parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
}

function validate(manifest: Manifest): void {
  const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind} (${manifest.metadata.name})`);
  new Model(manifest as never).validate();
}

const manifests = loadDir(base);
const ofKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const deployments = ofKind('Deployment').map((m) => new Deployment(m as never));
const services = ofKind('Service').map((m) => new Service(m as never));
const jobs = ofKind('Job').map((m) => new Job(m as never));
const secrets = ofKind('Secret').map((m) => new Secret(m as never));
const configMaps = ofKind('ConfigMap').map((m) => new ConfigMap(m as never));

function deploymentOf(app: string): Deployment {
  const found = deployments.find((d) => d.metadata?.name === app);
  if (!found) throw new Error(`no Deployment ${app}`);
  return found;
}

function podSpecOf(workload: Deployment | Job): PodSpec {
  const spec = workload.spec?.template.spec;
  if (!spec) throw new Error(`${workload.metadata?.name} has no pod spec`);
  return spec as PodSpec;
}

function containerOf(workload: Deployment | Job): Container {
  const containers = podSpecOf(workload).containers;
  expect(containers).toHaveLength(1);
  return containers[0] as Container;
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const wanted = Object.entries(selector ?? {});
  return wanted.length > 0 && wanted.every(([key, value]) => labels?.[key] === value);
}

/** The port a probe or Service targets, resolved through the container's named ports. */
function portNumber(container: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function envValue(container: Container, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}

function secretRefOf(container: Container, name: string): { name?: string; key: string } | undefined {
  return container.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
}

/** CPU in cores or memory in bytes, for the suffixes these manifests use. */
function quantity(value: string | number | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(String(value));
  if (!match) throw new Error(`unreadable quantity ${String(value)}`);
  const factor = { m: 0.001, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * factor;
}

function expectHardened(workload: Deployment | Job): void {
  const pod = podSpecOf(workload);
  const container = containerOf(workload);
  // The image's USER is the name `node`: the kubelet can only prove non-root with a numeric uid.
  expect(pod.securityContext?.runAsNonRoot).toBe(true);
  expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
  expect(pod.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
  expect(container.securityContext?.runAsUser ?? 1).toBeGreaterThan(0);
  expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
  expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
  expect(container.securityContext?.privileged ?? false).toBe(false);
  expect(container.securityContext?.capabilities?.drop).toEqual(['ALL']);
  expect(container.securityContext?.capabilities?.add ?? []).toEqual([]);
  expect(pod.automountServiceAccountToken).toBe(false);
  for (const resource of ['cpu', 'memory']) {
    const request = container.resources?.requests?.[resource];
    const limit = container.resources?.limits?.[resource];
    expect({ resource, request, limit }).toEqual({ resource, request: expect.anything(), limit: expect.anything() });
    expect(quantity(request)).toBeLessThanOrEqual(quantity(limit));
  }
}

describe('k8s/base', () => {
  it('lists every file of the directory in its kustomization, and nothing that is missing', () => {
    const listed = kustomization(base).resources ?? [];
    expect([...listed].sort()).toEqual(yamlFiles(base));
  });

  it('puts everything in the namespace proctor, which enforces the restricted pod security standard', () => {
    expect(kustomization(base).namespace).toBe('proctor');
    const namespace = ofKind('Namespace');
    expect(namespace.map((n) => n.metadata.name)).toEqual(['proctor']);
    expect(namespace[0].metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it.each(manifests.map((m) => [`${m.kind} ${m.metadata.name}`, m] as const))('%s is valid against the Kubernetes schema', (_name, manifest) => {
    expect(() => validate(manifest)).not.toThrow();
  });

  it('the schema check is live: it refuses a malformed Deployment', () => {
    const broken = JSON.parse(JSON.stringify(manifests.find((m) => m.kind === 'Deployment'))) as Manifest & { spec: { replicas: unknown } };
    broken.spec.replicas = 'two';
    expect(() => validate(broken)).toThrow(/replicas/);
  });

  it('names every object once per kind', () => {
    const names = manifests.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it('has one Deployment and one Service per app: two gateway replicas, one of each backend', () => {
    expect(deployments.map((d) => d.metadata?.name).sort()).toEqual([...APPS].sort());
    expect(services.map((s) => s.metadata?.name).sort()).toEqual([...APPS].sort());
    for (const app of APPS) expect(deploymentOf(app).spec?.replicas).toBe(app === 'gateway' ? 2 : 1);
  });

  describe.each(APPS)('Deployment %s', (app) => {
    const deployment = deploymentOf(app);
    const container = containerOf(deployment);
    const port = PORTS[app];

    it('runs its compiled main from the proctor image, listening on its port', () => {
      expect(container.image).toBe('proctor');
      expect(container.command).toBeUndefined(); // the image's entrypoint is node
      // Node flags may come first (the jobs service's heap size), the compiled main last.
      expect(container.args?.at(-1)).toBe(`dist/apps/${app}/src/main.js`);
      expect(container.args?.slice(0, -1).every((arg: string) => arg.startsWith('--'))).toBe(true);
      expect(envValue(container, 'PORT')).toBe(String(port));
      expect(portNumber(container, 'http')).toBe(port);
    });

    it('selects its own pod template', () => {
      expect(selects(deployment.spec?.selector.matchLabels, deployment.spec?.template.metadata?.labels)).toBe(true);
      expect(deployment.spec?.selector.matchLabels?.['app.kubernetes.io/name']).toBe(app);
    });

    it('probes /healthz for liveness and start-up and /readyz for readiness, on its port', () => {
      for (const [probe, path] of [
        [container.livenessProbe, '/healthz'],
        [container.startupProbe, '/healthz'],
        [container.readinessProbe, '/readyz'],
      ] as const) {
        expect(probe?.httpGet?.path).toBe(path);
        expect(portNumber(container, probe?.httpGet?.port)).toBe(port);
      }
    });

    it('runs hardened: non-root, read-only root, no privilege escalation, no capabilities, with resource limits', () => {
      expectHardened(deployment);
    });

    it('waits in preStop before SIGTERM, and leaves the app its 10 s drain within the grace period', () => {
      const command = container.lifecycle?.preStop?.exec?.command ?? [];
      expect(command[0]).toBe('sleep');
      const sleep = Number(command[1]);
      expect(sleep).toBeGreaterThanOrEqual(3);
      const grace = podSpecOf(deployment).terminationGracePeriodSeconds ?? 30;
      expect(grace).toBe(30);
      expect(sleep + 10).toBeLessThan(grace);
    });

    it('is scraped by Prometheus at /metrics on its port', () => {
      expect(deployment.spec?.template.metadata?.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(port),
        'prometheus.io/path': '/metrics',
      });
    });

    it('connects to Postgres as its own role, from its own Secret, and to the broker from the broker Secret', () => {
      expect(secretRefOf(container, 'DATABASE_URL')).toEqual({ name: `proctor-${app}-database`, key: 'DATABASE_URL' });
      const secret = secrets.find((s) => s.metadata?.name === `proctor-${app}-database`);
      expect(secret?.stringData?.DATABASE_URL).toMatch(new RegExp(`^postgres://proctor_${app}:`));
      expect(secretRefOf(container, 'AMQP_URL')).toEqual({ name: 'proctor-broker', key: 'AMQP_URL' });
      expect(container.envFrom?.map((e) => e.configMapRef?.name)).toEqual(['proctor-config']);
    });
  });

  it('gives no two apps the same database Secret', () => {
    const refs = deployments.map((d) => secretRefOf(containerOf(d), 'DATABASE_URL')?.name);
    expect(new Set(refs).size).toBe(APPS.length);
  });

  it('gives the gateway its JWT secret and admin credentials', () => {
    const gateway = containerOf(deploymentOf('gateway'));
    expect(secretRefOf(gateway, 'JWT_SECRET')).toEqual({ name: 'proctor-gateway-auth', key: 'JWT_SECRET' });
    expect(secretRefOf(gateway, 'ADMIN_PASSWORD')).toEqual({ name: 'proctor-gateway-auth', key: 'ADMIN_PASSWORD' });
    expect(envValue(gateway, 'ADMIN_USERNAME')).toBeTruthy();
    expect(Number(envValue(gateway, 'RATE_LIMIT_PER_MINUTE'))).toBeGreaterThan(0);
  });

  it('keeps the config map to shared, non-secret settings', () => {
    expect(configMaps.map((c) => c.metadata?.name)).toEqual(['proctor-config']);
    expect(Object.keys(configMaps[0].data ?? {}).sort()).toEqual(['LOG_LEVEL', 'PROCTOR_NAMESPACE']);
  });

  it.each(services.map((s) => [s.metadata?.name, s] as const))('Service %s selects the pods of its Deployment only, on its port', (name, service) => {
    const selected = deployments.filter((d) => selects(service.spec?.selector, d.spec?.template.metadata?.labels));
    expect(selected.map((d) => d.metadata?.name)).toEqual([name]);
    const container = containerOf(selected[0]);
    const [port] = service.spec?.ports ?? [];
    expect(service.spec?.ports).toHaveLength(1);
    expect(port.name).toBe('http');
    expect(port.port).toBe(PORTS[name ?? '']);
    expect(portNumber(container, port.targetPort)).toBe(PORTS[name ?? '']);
    // A migration Job's pod must never receive the Service's traffic.
    for (const job of jobs) expect(selects(service.spec?.selector, job.spec?.template.metadata?.labels)).toBe(false);
  });

  it('has one migration Job per service with a migrate command', () => {
    expect(jobs.map((j) => j.metadata?.name).sort()).toEqual(MIGRATING.map((app) => `${app}-migrate`).sort());
  });

  describe.each(MIGRATING)('migration Job of %s', (app) => {
    const job = jobs.find((j) => j.metadata?.name === `${app}-migrate`) as Job;
    const container = containerOf(job);

    it('runs `main.js migrate` from the same image, as the same database role as the service', () => {
      expect(container.image).toBe(containerOf(deploymentOf(app)).image);
      expect(container.args).toEqual([`dist/apps/${app}/src/main.js`, 'migrate']);
      expect(secretRefOf(container, 'DATABASE_URL')).toEqual(secretRefOf(containerOf(deploymentOf(app)), 'DATABASE_URL'));
    });

    it('gives up in bounded time and runs hardened', () => {
      expect(['Never', 'OnFailure']).toContain(podSpecOf(job).restartPolicy);
      expect(job.spec?.backoffLimit).toBeGreaterThan(0);
      expect(job.spec?.activeDeadlineSeconds).toBeGreaterThan(0);
      expectHardened(job);
    });
  });

  it('has a disruption budget that keeps a gateway replica up', () => {
    const budgets = ofKind('PodDisruptionBudget').map((m) => new PodDisruptionBudget(m as never));
    expect(budgets).toHaveLength(1);
    const [budget] = budgets;
    expect(selects(budget.spec?.selector?.matchLabels, deploymentOf('gateway').spec?.template.metadata?.labels)).toBe(true);
    for (const other of deployments.filter((d) => d.metadata?.name !== 'gateway')) {
      expect(selects(budget.spec?.selector?.matchLabels, other.spec?.template.metadata?.labels)).toBe(false);
    }
    expect(budget.spec?.maxUnavailable).toBe(1);
    expect(deploymentOf('gateway').spec?.replicas).toBeGreaterThan(1);
  });

  it('references only Secrets, keys and config maps that it defines', () => {
    for (const workload of [...deployments, ...jobs]) {
      const container = containerOf(workload);
      for (const env of container.env ?? []) {
        const ref = env.valueFrom?.secretKeyRef;
        if (!ref) continue;
        const secret = secrets.find((s) => s.metadata?.name === ref.name);
        expect({ env: env.name, key: Object.keys(secret?.stringData ?? {}).includes(ref.key) }).toEqual({ env: env.name, key: true });
      }
      for (const from of container.envFrom ?? []) {
        expect(configMaps.map((c) => c.metadata?.name)).toContain(from.configMapRef?.name);
      }
    }
  });

  it('ships Secrets as templates only: every value is a marked placeholder', () => {
    // A database Secret per app, then the broker's, the gateway's credentials and the jobs signing keys.
    expect(secrets.length).toBe(APPS.length + 3);
    for (const secret of secrets) {
      expect(secret.data).toBeUndefined();
      for (const [key, value] of Object.entries(secret.stringData ?? {})) {
        expect({ secret: secret.metadata?.name, key, placeholder: value.includes('REPLACE-ME') }).toEqual({
          secret: secret.metadata?.name,
          key,
          placeholder: true,
        });
      }
    }
    // Left in place, the JWT placeholder is too short for the gateway, which then refuses to start.
    expect(secrets.find((s) => s.metadata?.name === 'proctor-gateway-auth')?.stringData?.JWT_SECRET.length).toBeLessThan(16);
    // Likewise the signing secret for the gateway and the jobs service, which both refuse it.
    expect(secrets.find((s) => s.metadata?.name === 'proctor-jobs-signing')?.stringData?.JOBS_SIGNING_SECRET.length).toBeLessThan(16);
  });
});

describe('k8s/components/servicemonitors', () => {
  const dir = join(k8s, 'components/servicemonitors');
  const monitors = loadDir(dir);

  it('is a kustomize Component listing every file of its directory', () => {
    const component = kustomization(dir);
    expect(component.kind).toBe('Component');
    expect(component.namespace).toBe('proctor');
    expect([...(component.resources ?? [])].sort()).toEqual(yamlFiles(dir));
  });

  it('has one ServiceMonitor per app, scraping /metrics on the port named http of its Service', () => {
    expect(monitors.every((m) => m.apiVersion === 'monitoring.coreos.com/v1' && m.kind === 'ServiceMonitor')).toBe(true);
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual([...APPS].sort());
    for (const monitor of monitors) {
      const spec = monitor.spec as { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] };
      const selected = services.filter((s) => selects(spec.selector.matchLabels, s.metadata?.labels));
      expect(selected.map((s) => s.metadata?.name)).toEqual([monitor.metadata.name]);
      expect(spec.endpoints).toHaveLength(1);
      expect(spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
      expect(selected[0].spec?.ports?.map((p) => p.name)).toContain('http');
    }
  });
});

describe('k8s/overlays/dev', () => {
  const dir = join(k8s, 'overlays/dev');
  const overlay = kustomization(dir);

  it('builds on the base with one gateway replica and the dev image tag', () => {
    expect(overlay.resources).toEqual(['../../base']);
    expect(overlay.replicas).toEqual([{ name: 'gateway', count: 1 }]);
    expect(overlay.images).toEqual([{ name: 'proctor', newTag: 'dev' }]);
    for (const ref of [...(overlay.resources ?? []), ...(overlay.components ?? [])]) expect(existsSync(join(dir, ref, 'kustomization.yaml'))).toBe(true);
  });
});

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

function render(dir: string): Manifest[] {
  return parseManifests(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 }), dir);
}

const CLUSTER_SCOPED = new Set(['Namespace']);

(hasKubectl() ? describe : describe.skip)('kubectl kustomize (rendered, offline)', () => {
  let scratch: string;
  let dev: Manifest[];
  let withMonitors: Manifest[];

  beforeAll(() => {
    dev = render(join(k8s, 'overlays/dev'));
    // An overlay of the dev overlay that adds the optional component, as an operator's would.
    scratch = mkdtempSync(join(tmpdir(), 'proctor-k8s-'));
    const up = relative(scratch, k8s);
    writeFileSync(
      join(scratch, 'kustomization.yaml'),
      `resources: [${up}/overlays/dev]\ncomponents: [${up}/components/servicemonitors]\n`,
    );
    withMonitors = render(scratch);
  });

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('renders the dev overlay into valid objects, all in the namespace proctor and labelled part of proctor', () => {
    expect(dev).toHaveLength(manifests.length);
    for (const manifest of dev) {
      expect(() => validate(manifest)).not.toThrow();
      expect(manifest.metadata.namespace).toBe(CLUSTER_SCOPED.has(manifest.kind) ? undefined : 'proctor');
      expect(manifest.metadata.labels?.['app.kubernetes.io/part-of']).toBe('proctor');
    }
  });

  it('runs every pod of the dev overlay from proctor:dev, one replica each, labelled part of proctor', () => {
    const workloads = dev.filter((m) => m.kind === 'Deployment' || m.kind === 'Job');
    for (const manifest of workloads) {
      const workload = manifest.kind === 'Job' ? new Job(manifest as never) : new Deployment(manifest as never);
      expect(containerOf(workload).image).toBe('proctor:dev');
      expect(workload.spec?.template.metadata?.labels?.['app.kubernetes.io/part-of']).toBe('proctor');
    }
    for (const manifest of dev.filter((m) => m.kind === 'Deployment')) expect(new Deployment(manifest as never).spec?.replicas).toBe(1);
  });

  it('keeps selectors as written, so that they stay stable across label changes', () => {
    for (const manifest of dev.filter((m) => m.kind === 'Deployment')) {
      expect(Object.keys(new Deployment(manifest as never).spec?.selector.matchLabels ?? {}).sort()).toEqual([
        'app.kubernetes.io/component',
        'app.kubernetes.io/name',
      ]);
    }
  });

  it('adds the ServiceMonitors, in the namespace proctor, when the component is included', () => {
    const monitors = withMonitors.filter((m) => m.kind === 'ServiceMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual([...APPS].sort());
    for (const monitor of monitors) expect(monitor.metadata.namespace).toBe('proctor');
    expect(withMonitors.length).toBe(dev.length + APPS.length);
  });
});
