import { ProctorError } from '@proctor/contracts';
import { jobSpecFromFile } from './proctor-yml';

const read = (text: string) => jobSpecFromFile(Buffer.from(text));

function refusal(text: string | Buffer): ProctorError {
  try {
    jobSpecFromFile(Buffer.from(text));
  } catch (e) {
    expect(e).toBeInstanceOf(ProctorError);
    expect((e as ProctorError).code).toBe('job_spec_invalid');
    expect((e as ProctorError).details).toMatchObject({ source: 'proctor.yml' });
    return e as ProctorError;
  }
  throw new Error('expected proctor.yml to be refused');
}

const fieldsOf = (error: ProctorError) => Object.keys((error.details as { fields: object }).fields);

describe('jobSpecFromFile', () => {
  it('reads the spec keys, limits nested', () => {
    const spec = read(`
image: alpine:3
command: [make, test]
env:
  CI: "true"
timeout_seconds: 300
limits:
  cpus: 0.5
  memory_mb: 256
network: bridge
artifacts:
  - reports/junit.xml
priority: 3
labels: { team: net }
retries: 1
`);
    expect(spec).toMatchObject({
      image: 'alpine:3',
      command: ['make', 'test'],
      env: { CI: 'true' },
      timeout_seconds: 300,
      limits: { cpus: 0.5, memory_mb: 256 },
      network: 'bridge',
      artifacts: ['reports/junit.xml'],
      priority: 3,
      labels: { team: 'net' },
      retries: 1,
    });
  });

  it('runs a command line in a shell and reads an empty file as no spec', () => {
    expect(read('command: make test\n').command).toEqual(['sh', '-c', 'make test']);
    expect({ ...read('') }).toEqual({});
    expect({ ...read('# nothing yet\n') }).toEqual({});
  });

  it('refuses unknown keys, also inside limits, naming them', () => {
    expect(fieldsOf(refusal('image: a\nimgae: b\nlimits:\n  gpus: 1\n')).sort()).toEqual(['imgae', 'limits.gpus']);
  });

  it('refuses values of the wrong type or range, naming them', () => {
    expect(fieldsOf(refusal('timeout_seconds: "600"\nenv:\n  DEBUG: 1\nlimits:\n  memory_mb: 1\n')).sort()).toEqual(['env', 'limits.memory_mb', 'timeout_seconds']);
  });

  it('refuses what is not a YAML mapping, and bad YAML with its reason', () => {
    expect(fieldsOf(refusal('- image: a\n'))).toEqual(['proctor.yml']);
    const error = refusal('image: [unclosed\n');
    expect((error.details as { fields: Record<string, string[]> }).fields['proctor.yml'][0]).toMatch(/^is not valid YAML/);
    expect(fieldsOf(refusal(Buffer.from([0x69, 0x3a, 0x20, 0xff, 0xfe])))).toEqual(['proctor.yml']);
  });

  it('refuses alias expansion bombs instead of expanding them', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    refusal(lines.join('\n'));
  });
});
