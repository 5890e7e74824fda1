import { JobErrorCode, JobSpec, ProctorError, validationDetails } from '@proctor/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/** Where a spec value came from, so an error points the user at the right place. */
export type SpecSource = 'form' | 'proctor.yml';

export function specInvalid(source: SpecSource, fields: Record<string, string[]>): ProctorError {
  const where = source === 'form' ? 'the submitted fields' : 'proctor.yml';
  return new ProctorError(JobErrorCode.SpecInvalid, `${where} do not make a valid job spec`, { source, fields });
}

/** A plain string command runs in a shell, as a CI user writes it: `make test`. */
export function shellCommand(command: string): string[] {
  return ['sh', '-c', command];
}

/**
 * The JobSpec's own rules (class-validator), unknown keys included, on a plain object from one
 * source; `rename` turns a validator's field path into the name the user wrote.
 */
export function validatedJobSpec(plain: Record<string, unknown>, source: SpecSource, rename: (path: string) => string = (path) => path): JobSpec {
  const spec = plainToInstance(JobSpec, plain);
  const errors = validateSync(spec, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const fields = Object.fromEntries(Object.entries(validationDetails(errors)).map(([path, messages]) => [rename(path), messages]));
    throw specInvalid(source, fields);
  }
  return spec;
}
