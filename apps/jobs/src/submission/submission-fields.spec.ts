import { ProctorError } from '@proctor/contracts';
import { decodeSubmissionFields, jobSpecFromFields } from './submission-fields';

function refusal(fields: Record<string, string>): ProctorError {
  try {
    jobSpecFromFields(fields);
  } catch (e) {
    expect(e).toBeInstanceOf(ProctorError);
    return e as ProctorError;
  }
  throw new Error('expected the fields to be refused');
}

const fieldsOf = (error: ProctorError) => (error.details as { fields: Record<string, string[]> }).fields;

describe('jobSpecFromFields', () => {
  it('reads every field from its text form', () => {
    const spec = jobSpecFromFields({
      image: 'alpine:3',
      command: '["make", "test"]',
      env: '{"CI": "true", "TOKEN": "a=b,c"}',
      timeout_seconds: '600',
      cpus: '1.5',
      memory_mb: '512',
      pids: '128',
      network: 'bridge',
      artifacts: '["reports/junit.xml", "coverage.json"]',
      priority: '-5',
      labels: '{"team": "net"}',
      retries: '2',
      webhook_url: 'https://ci.example.com/hook',
    });
    expect({ ...spec, limits: { ...spec.limits } }).toEqual({
      image: 'alpine:3',
      command: ['make', 'test'],
      env: { CI: 'true', TOKEN: 'a=b,c' },
      timeout_seconds: 600,
      limits: { cpus: 1.5, memory_mb: 512, pids: 128 },
      network: 'bridge',
      artifacts: ['reports/junit.xml', 'coverage.json'],
      priority: -5,
      labels: { team: 'net' },
      retries: 2,
      webhook_url: 'https://ci.example.com/hook',
    });
  });

  it('runs a plain command line in a shell', () => {
    expect(jobSpecFromFields({ command: 'make test && echo done' }).command).toEqual(['sh', '-c', 'make test && echo done']);
  });

  it('takes artifacts comma-separated and labels as key=value pairs', () => {
    const spec = jobSpecFromFields({ artifacts: 'reports/junit.xml, coverage.json,', labels: 'team=net, tier = 1,expr=a=b' });
    expect(spec.artifacts).toEqual(['reports/junit.xml', 'coverage.json']);
    expect(spec.labels).toEqual({ team: 'net', tier: '1', expr: 'a=b' });
  });

  it('leaves blank fields out, as a form sends its empty inputs', () => {
    expect({ ...jobSpecFromFields({ image: '', priority: '  ' }) }).toEqual({});
  });

  it('refuses unknown fields, naming them', () => {
    const error = refusal({ image: 'alpine', imagee: 'typo', priority: '1' });
    expect(error.code).toBe('job_spec_invalid');
    expect(error.details).toMatchObject({ source: 'form' });
    expect(Object.keys(fieldsOf(error))).toEqual(['imagee']);
  });

  it('names every field that cannot be read, with why', () => {
    const error = refusal({ timeout_seconds: 'soon', cpus: 'two', command: '["make", 1]', env: 'CI=true', labels: 'novalue', artifacts: '[1]' });
    expect(fieldsOf(error)).toEqual({
      timeout_seconds: ['must be an integer'],
      cpus: ['must be a number such as 1 or 1.5'],
      command: ['must be a JSON array of strings, or a shell command'],
      env: ['must be a JSON object of strings'],
      labels: ['must be a JSON object, or key=value pairs separated by commas'],
      artifacts: ['must be a JSON array of strings, or comma-separated'],
    });
  });

  it('applies the spec rules and names a limit by its form field, not its place in the spec', () => {
    const error = refusal({ priority: '1000', memory_mb: '1', network: 'host', artifacts: '../../etc/passwd', env: '{"N": 1}' });
    expect(Object.keys(fieldsOf(error)).sort()).toEqual(['artifacts', 'env', 'memory_mb', 'network', 'priority']);
  });
});

describe('decodeSubmissionFields', () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('decodes the base64url JSON object of strings, and nothing as no fields', () => {
    expect(decodeSubmissionFields(encode({ image: 'alpine' }))).toEqual({ image: 'alpine' });
    expect(decodeSubmissionFields(undefined)).toEqual({});
  });

  it('refuses a header that is not base64url JSON of strings as a validation failure', () => {
    for (const header of ['%%%', encode([1]), encode({ priority: 5 })]) {
      const error = (() => {
        try {
          decodeSubmissionFields(header);
        } catch (e) {
          return e as ProctorError;
        }
      })();
      expect(error?.code).toBe('validation_failed');
    }
  });
});
