import { JobSpec } from '@proctor/contracts';

/**
 * Specs stacked in order of precedence, the last winning key by key: `layerJobSpecs(file, form)`
 * for "form fields over proctor.yml" (installation defaults come after, in resolveJobSpec).
 * `limits`, `env` and `labels` merge key by key, so a form can add one variable or label, or
 * change one limit, without restating the file's others; every other key is replaced whole.
 */
export function layerJobSpecs(...layers: JobSpec[]): JobSpec {
  const merged: JobSpec = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer) as [keyof JobSpec, unknown][]) {
      if (value === undefined) continue;
      if (key === 'limits' || key === 'env' || key === 'labels') {
        Object.assign(merged, { [key]: { ...(merged[key] ?? {}), ...(value as object) } });
      } else {
        Object.assign(merged, { [key]: value });
      }
    }
  }
  return merged;
}
