import { JobSpec } from '@proctor/contracts';
import { parse } from 'yaml';
import { SPEC_FILE_NAME } from './archive-inspection';
import { shellCommand, specInvalid, validatedJobSpec } from './spec-validation';

/**
 * `proctor.yml` at the archive root: the JobSpec's keys, `limits` nested, types as YAML reads them
 * (quote an env value such as `"1"`: a map of strings is expected). `command` may be a list or a
 * shell command line. An empty file says nothing.
 */
export function jobSpecFromFile(bytes: Buffer): JobSpec {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw specInvalid('proctor.yml', { [SPEC_FILE_NAME]: ['is not UTF-8 text'] });
  }
  let document: unknown;
  try {
    // The default alias limit stays on: a "billion laughs" file is refused, not expanded.
    document = parse(text);
  } catch (e) {
    throw specInvalid('proctor.yml', { [SPEC_FILE_NAME]: [`is not valid YAML: ${(e as Error).message.split('\n')[0]}`] });
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw specInvalid('proctor.yml', { [SPEC_FILE_NAME]: ['must be a mapping of job spec keys (image, command, limits, ...)'] });
  }
  const spec = { ...(document as Record<string, unknown>) };
  if (typeof spec.command === 'string') spec.command = shellCommand(spec.command);
  return validatedJobSpec(spec, 'proctor.yml');
}
