import { SUBMISSION_HEADERS } from '@proctor/auth';
import { CommonErrorCode, JobSpec, ProctorError } from '@proctor/contracts';
import { shellCommand, specInvalid, validatedJobSpec } from './spec-validation';

/** The text fields a submit form may carry, each the JobSpec key of the same name. */
export const FORM_FIELDS = [
  'image',
  'command',
  'env',
  'timeout_seconds',
  'cpus',
  'memory_mb',
  'pids',
  'network',
  'artifacts',
  'priority',
  'labels',
  'retries',
  'webhook_url',
] as const;
type FormField = (typeof FORM_FIELDS)[number];

/** Flat on the form, nested under `limits` in the spec. */
const LIMIT_FIELDS: ReadonlySet<FormField> = new Set(['cpus', 'memory_mb', 'pids']);

/** A value the form cannot mean; its message is shown against the field. */
class FieldProblem extends Error {}

function integer(value: string): number {
  if (!/^[+-]?\d{1,10}$/.test(value.trim())) throw new FieldProblem('must be an integer');
  return Number(value.trim());
}

function decimal(value: string): number {
  if (!/^\d{1,6}(\.\d{1,6})?$/.test(value.trim())) throw new FieldProblem('must be a number such as 1 or 1.5');
  return Number(value.trim());
}

function json(value: string, what: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new FieldProblem(`must be ${what}`);
  }
}

function stringArray(value: string, what: string): string[] {
  const parsed = json(value, what);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) throw new FieldProblem(`must be ${what}`);
  return parsed;
}

function jsonObject(value: string, what: string): Record<string, unknown> {
  const parsed = json(value, what);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new FieldProblem(`must be ${what}`);
  return parsed as Record<string, unknown>;
}

/** `["make", "test"]` as it is; anything else is a shell command line. */
function command(value: string): string[] {
  return value.trim().startsWith('[') ? stringArray(value, 'a JSON array of strings, or a shell command') : shellCommand(value);
}

/** `["a", "b"]` or `a, b`. */
function list(value: string): string[] {
  if (value.trim().startsWith('[')) return stringArray(value, 'a JSON array of strings, or comma-separated');
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** `{"team": "net"}` or `team=net,tier=1`. */
function pairs(value: string): Record<string, unknown> {
  if (value.trim().startsWith('{')) return jsonObject(value, 'a JSON object, or key=value pairs separated by commas');
  const out: Record<string, string> = {};
  for (const item of value.split(',').map((i) => i.trim()).filter((i) => i.length > 0)) {
    const at = item.indexOf('=');
    if (at <= 0) throw new FieldProblem('must be a JSON object, or key=value pairs separated by commas');
    out[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return out;
}

const PARSERS: Record<FormField, (value: string) => unknown> = {
  image: (v) => v.trim(),
  command,
  // Values may hold commas and equals signs: JSON only, no pairs shorthand.
  env: (v) => jsonObject(v, 'a JSON object of strings'),
  timeout_seconds: integer,
  cpus: decimal,
  memory_mb: integer,
  pids: integer,
  network: (v) => v.trim(),
  artifacts: list,
  priority: integer,
  labels: pairs,
  retries: integer,
  webhook_url: (v) => v.trim(),
};

function isFormField(name: string): name is FormField {
  return (FORM_FIELDS as readonly string[]).includes(name);
}

/**
 * The form's text fields as a JobSpec, every problem named against the field the user filled in.
 * An empty field says nothing (an HTML form sends its blank inputs), so it is left out.
 */
export function jobSpecFromFields(fields: Record<string, string>): JobSpec {
  const problems: Record<string, string[]> = {};
  const spec: Record<string, unknown> = {};
  const limits: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (!isFormField(name)) {
      problems[name] = [`is not a job field; the fields are ${FORM_FIELDS.join(', ')}`];
      continue;
    }
    if (value.trim() === '') continue;
    try {
      const parsed = PARSERS[name](value);
      if (LIMIT_FIELDS.has(name)) limits[name] = parsed;
      else spec[name] = parsed;
    } catch (e) {
      if (!(e instanceof FieldProblem)) throw e;
      problems[name] = [e.message];
    }
  }
  if (Object.keys(problems).length > 0) throw specInvalid('form', problems);
  if (Object.keys(limits).length > 0) spec.limits = limits;
  return validatedJobSpec(spec, 'form', (path) => path.replace(/^limits\./, ''));
}

/**
 * The fields header the gateway sends: base64url of a JSON object of strings. It is the gateway's
 * framing, not the user's input, so a bad one is a validation failure of the request.
 */
export function decodeSubmissionFields(header: string | undefined): Record<string, string> {
  if (header === undefined || header === '') return {};
  const bad = (why: string) =>
    new ProctorError(CommonErrorCode.ValidationFailed, `the ${SUBMISSION_HEADERS.fields} header ${why}`, { fields: { [SUBMISSION_HEADERS.fields]: [why] } });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  } catch {
    throw bad('is not base64url of a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('is not base64url of a JSON object');
  const fields = parsed as Record<string, unknown>;
  const notText = Object.keys(fields).filter((k) => typeof fields[k] !== 'string');
  if (notText.length > 0) throw bad(`has values that are not strings: ${notText.join(', ')}`);
  return fields as Record<string, string>;
}
