import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The version agentd registers with: Proctor's package.json, found upwards from this file (its
 * depth differs between the sources and dist/, and an install copies package.json beside dist/).
 */
export function daemonVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'proctor' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json here (or not ours): look one level up.
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
