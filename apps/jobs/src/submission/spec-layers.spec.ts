import { JobDefaults } from '../jobs-config';
import { resolveJobSpec } from '../job/job-spec';
import { jobSpecFromFile } from './proctor-yml';
import { layerJobSpecs } from './spec-layers';
import { jobSpecFromFields } from './submission-fields';

const DEFAULTS: JobDefaults = { image: 'proctor-runner:latest', command: ['sh', '-c', './run-tests.sh'], timeoutSeconds: 3600, cpus: 1, memoryMb: 1024, pids: 512 };

describe('layerJobSpecs: form fields over proctor.yml over installation defaults', () => {
  const file = jobSpecFromFile(
    Buffer.from(`
image: node:22
command: npm test
timeout_seconds: 900
limits: { cpus: 2, memory_mb: 2048 }
env: { CI: "true", NODE_ENV: test }
labels: { team: web }
artifacts: [reports/junit.xml]
`),
  );

  it('takes the file where the form says nothing, and the defaults where neither does', () => {
    const resolved = resolveJobSpec(layerJobSpecs(file, jobSpecFromFields({})), DEFAULTS);
    expect(resolved).toMatchObject({
      image: 'node:22',
      command: ['sh', '-c', 'npm test'],
      timeout_seconds: 900,
      cpus: 2,
      memory_mb: 2048,
      pids: 512,
      network: 'none',
      priority: 0,
      artifacts: ['reports/junit.xml'],
    });
  });

  it('lets a form field win over the file', () => {
    const form = jobSpecFromFields({ image: 'node:20', command: 'npm run ci', timeout_seconds: '60', artifacts: 'out.xml', priority: '7' });
    expect(resolveJobSpec(layerJobSpecs(file, form), DEFAULTS)).toMatchObject({
      image: 'node:20',
      command: ['sh', '-c', 'npm run ci'],
      timeout_seconds: 60,
      artifacts: ['out.xml'],
      priority: 7,
    });
  });

  it('merges limits, env and labels key by key, the form winning on a shared key', () => {
    const form = jobSpecFromFields({ memory_mb: '512', env: '{"NODE_ENV": "ci", "TOKEN": "t"}', labels: 'tier=1' });
    expect(resolveJobSpec(layerJobSpecs(file, form), DEFAULTS)).toMatchObject({
      cpus: 2,
      memory_mb: 512,
      env: { CI: 'true', NODE_ENV: 'ci', TOKEN: 't' },
      labels: { team: 'web', tier: '1' },
    });
  });

  it('is the defaults alone with neither', () => {
    expect(resolveJobSpec(layerJobSpecs({}, {}), DEFAULTS)).toMatchObject({ image: 'proctor-runner:latest', command: ['sh', '-c', './run-tests.sh'], cpus: 1 });
  });
});
