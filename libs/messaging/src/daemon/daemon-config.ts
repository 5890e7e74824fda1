import { ConfigError, DEFAULT_AMQP_URL, EnvReader } from '@proctor/config';
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DaemonDefinition, DaemonSetting } from './daemon-definition';

export const DEFAULT_DAEMON_PORT = 9100;
export const DEFAULT_DRAIN_TIMEOUT_SECONDS = 30;

const LOG_LEVELS = ['debug', 'log', 'warn', 'error'] as const;

export interface DaemonConfig {
  gatewayUrl: string;
  amqpUrl: string;
  name: string;
  /** The daemon's credential: sent to the gateway, never logged. */
  key: string;
  labels: Record<string, string>;
  namespace: string;
  port: number;
  logLevel: (typeof LOG_LEVELS)[number];
  /** On SIGTERM, how long running work may take to finish before it is stopped. */
  drainTimeoutSeconds: number;
  /** The daemon's own list settings (`DaemonDefinition.listSettings`), by file key; absent ones are empty. */
  lists: Record<string, string[]>;
  /** The daemon's own single-valued settings (`DaemonDefinition.settings`), by file key; absent ones take their default. */
  settings: Record<string, number | string>;
  /** The YAML file that was read, if any. */
  configFile?: string;
}

type Setting = Exclude<keyof DaemonConfig, 'configFile' | 'lists' | 'settings'>;

/** The three names of one setting: its key in the YAML file, its variable, its flag. */
interface SettingNames {
  file: string;
  env: string;
  flag: string;
  help: string;
}

function settingNames(envPrefix: string): Record<Setting, SettingNames> {
  return {
    gatewayUrl: { file: 'gateway_url', env: `${envPrefix}_GATEWAY_URL`, flag: '--gateway-url', help: 'gateway base URL (required)' },
    amqpUrl: { file: 'amqp_url', env: `${envPrefix}_AMQP_URL`, flag: '--amqp-url', help: `broker URL (default ${DEFAULT_AMQP_URL})` },
    name: { file: 'name', env: `${envPrefix}_NAME`, flag: '--name', help: 'this daemon\'s name (required)' },
    key: { file: 'key', env: `${envPrefix}_KEY`, flag: '--key', help: 'its key (required; prefer the file or the variable: flags show in ps)' },
    labels: { file: 'labels', env: `${envPrefix}_LABELS`, flag: '--labels', help: 'labels as k=v,k=v (a mapping in the file)' },
    namespace: { file: 'namespace', env: 'PROCTOR_NAMESPACE', flag: '--namespace', help: 'broker name prefix (default none)' },
    port: { file: 'port', env: 'PORT', flag: '--port', help: `port of /healthz and /metrics (default ${DEFAULT_DAEMON_PORT})` },
    logLevel: { file: 'log_level', env: 'LOG_LEVEL', flag: '--log-level', help: `${LOG_LEVELS.join(', ')} (default log)` },
    drainTimeoutSeconds: {
      file: 'drain_timeout_seconds',
      env: `${envPrefix}_DRAIN_TIMEOUT_SECONDS`,
      flag: '--drain-timeout-seconds',
      help: `on SIGTERM, seconds running work may take to finish (default ${DEFAULT_DRAIN_TIMEOUT_SECONDS})`,
    },
  };
}

function listSettingNames(definition: DaemonConfigSource): SettingNames[] {
  return (definition.listSettings ?? []).map((s) => ownSettingNames(definition.envPrefix, s.file, s.help));
}

/** `jobs.max_concurrent` → `<PREFIX>_JOBS_MAX_CONCURRENT`, `--jobs-max-concurrent`. */
function ownSettingNames(envPrefix: string, file: string, help: string): SettingNames {
  return {
    file,
    env: `${envPrefix}_${file.replace(/\./g, '_').toUpperCase()}`,
    flag: `--${file.replace(/[._]/g, '-')}`,
    help,
  };
}

function singleSettingNames(definition: DaemonConfigSource): { setting: DaemonSetting; names: SettingNames }[] {
  return (definition.settings ?? []).map((setting) => ({ setting, names: ownSettingNames(definition.envPrefix, setting.file, setting.help) }));
}

type DaemonConfigSource = Pick<DaemonDefinition, 'envPrefix' | 'defaultConfigPath' | 'listSettings' | 'settings'>;

/** A value as found, with the name an operator would fix it under. */
interface Found {
  origin: string;
  value: string | string[] | Record<string, string>;
}

/**
 * The daemon's configuration: the YAML file (`--config`, else `<PREFIX>_CONFIG`, else the default
 * path if it exists), each value overridden by its environment variable, then by its flag.
 * Throws a ConfigError naming the file key, variable or flag of the first bad value.
 */
export function loadDaemonConfig(
  definition: DaemonConfigSource,
  argv: string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
): DaemonConfig {
  const names = settingNames(definition.envPrefix);
  const lists = listSettingNames(definition);
  const own = singleSettingNames(definition);
  const flags = parseFlags(argv, [...Object.values(names), ...lists, ...own.map((o) => o.names)].map((n) => n.flag).concat('--config'));
  const file = readConfigFile(definition, flags, env, names, [...lists, ...own.map((o) => o.names)], lists);

  const findBy = (n: SettingNames): Found | undefined => {
    const flag = flags.get(n.flag);
    if (flag !== undefined) return { origin: n.flag, value: flag };
    const variable = env[n.env];
    if (variable !== undefined && variable !== '') return { origin: n.env, value: variable };
    const inFile = file.values[n.file];
    if (inFile !== undefined) return { origin: `${n.file} in ${file.path}`, value: inFile };
    return undefined;
  };
  const find = (setting: Setting): Found | undefined => findBy(names[setting]);
  const required = (setting: Setting): Found & { value: string } => {
    const found = find(setting);
    const n = names[setting];
    if (!found || found.value === '') {
      throw new ConfigError(n.env, `is required and not set (nor ${n.flag}, nor ${n.file} in a config file)`);
    }
    return scalar(found);
  };
  // EnvReader validates one found value under the name it was found by, so errors name that.
  const reader = (found: Found & { value: string }) => new EnvReader({ [found.origin]: found.value });
  const optional = (setting: Setting): (Found & { value: string }) | undefined => {
    const found = find(setting);
    return found && scalar(found);
  };

  const gateway = required('gatewayUrl');
  const amqp = optional('amqpUrl');
  const name = required('name');
  const key = required('key');
  const namespace = optional('namespace');
  const port = optional('port');
  const logLevel = optional('logLevel');
  const drainTimeout = optional('drainTimeoutSeconds');
  const labels = find('labels');

  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(name.value)) {
    throw new ConfigError(name.origin, 'may hold only letters, digits, ".", "-" and "_" (at most 63, starting with a letter or digit)');
  }
  return {
    gatewayUrl: reader(gateway).url(gateway.origin, '', ['http', 'https']),
    amqpUrl: amqp ? reader(amqp).url(amqp.origin, DEFAULT_AMQP_URL, ['amqp', 'amqps']) : DEFAULT_AMQP_URL,
    name: name.value,
    key: key.value,
    labels: labels ? parseLabels(labels) : {},
    namespace: namespace ? reader(namespace).namespace(namespace.origin) : '',
    port: port ? reader(port).int(port.origin, DEFAULT_DAEMON_PORT, { min: 0, max: 65535 }) : DEFAULT_DAEMON_PORT,
    logLevel: logLevel ? reader(logLevel).oneOf(logLevel.origin, 'log', LOG_LEVELS) : 'log',
    drainTimeoutSeconds: drainTimeout
      ? reader(drainTimeout).int(drainTimeout.origin, DEFAULT_DRAIN_TIMEOUT_SECONDS, { min: 0, max: 3600 })
      : DEFAULT_DRAIN_TIMEOUT_SECONDS,
    lists: Object.fromEntries(lists.map((n) => [n.file, parseList(findBy(n))])),
    settings: Object.fromEntries(
      own.map(({ setting, names: n }) => {
        const found = findBy(n);
        return [setting.file, found ? parseSetting(setting, scalar(found)) : setting.default];
      }),
    ),
    ...(file.path ? { configFile: file.path } : {}),
  };
}

/** The `--help` text: every setting with its file key, variable and flag. */
export function daemonUsage(definition: DaemonDefinition): string {
  const names = settingNames(definition.envPrefix);
  const all = [...Object.values(names), ...listSettingNames(definition), ...singleSettingNames(definition).map((o) => o.names)];
  const width = (key: 'flag' | 'env' | 'file') => Math.max(...all.map((n) => n[key].length));
  const [flagWidth, envWidth, fileWidth] = [width('flag'), width('env'), width('file')];
  const rows = all.map((n) => `  ${n.flag.padEnd(flagWidth)} ${n.env.padEnd(envWidth)} ${n.file.padEnd(fileWidth)} ${n.help}`);
  return [
    `${definition.daemon}: ${definition.description}`,
    '',
    `usage: ${definition.daemon} [--config FILE] [flags]`,
    '',
    `Configuration: a YAML file (--config, else ${definition.envPrefix}_CONFIG, else ${definition.defaultConfigPath} if it exists);`,
    'each value is overridden by its environment variable, then by its flag.',
    '',
    `  ${'flag'.padEnd(flagWidth)} ${'variable'.padEnd(envWidth)} file key`,
    ...rows,
    '',
  ].join('\n');
}

function scalar(found: Found): Found & { value: string } {
  if (typeof found.value !== 'string') throw new ConfigError(found.origin, 'must be a single value, not a mapping or a list');
  return { origin: found.origin, value: found.value };
}

function parseSetting(setting: DaemonSetting, found: Found & { value: string }): number | string {
  const reader = new EnvReader({ [found.origin]: found.value });
  if (setting.type === 'int') return reader.int(found.origin, setting.default, { min: setting.min, max: setting.max });
  if (setting.pattern && !setting.pattern.test(found.value)) {
    throw new ConfigError(found.origin, `${setting.patternHelp ?? `must match ${String(setting.pattern)}`}, got "${found.value}"`);
  }
  return found.value;
}

function parseList(found: Found | undefined): string[] {
  if (found === undefined) return [];
  if (typeof found.value === 'string') {
    return found.value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
  if (Array.isArray(found.value)) return found.value;
  throw new ConfigError(found.origin, 'must be a list (a sequence, or a,b), not a mapping');
}

function parseLabels(found: Found): Record<string, string> {
  if (Array.isArray(found.value)) throw new ConfigError(found.origin, 'must be a mapping (or k=v,k=v), not a list');
  const entries =
    typeof found.value === 'string'
      ? found.value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '')
          .map((item) => {
            const eq = item.indexOf('=');
            if (eq <= 0) throw new ConfigError(found.origin, `must be a list of key=value separated by commas, got "${item}"`);
            return [item.slice(0, eq).trim(), item.slice(eq + 1).trim()] as const;
          })
      : Object.entries(found.value);
  for (const [k, v] of entries) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_./-]{0,62}$/.test(k)) {
      throw new ConfigError(found.origin, `has a bad label name "${k}": letters, digits, ".", "/", "-" and "_" (at most 63)`);
    }
    if (v.length > 255 || v.includes(',')) throw new ConfigError(found.origin, `has a bad value for label "${k}": at most 255 characters, no commas`);
  }
  return Object.fromEntries(entries);
}

/** `--flag value` and `--flag=value`; the last of a repeated flag wins; `--help` is left to the caller. */
function parseFlags(argv: string[], known: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') continue;
    if (!arg.startsWith('--')) throw new ConfigError(`"${arg}"`, 'is not a flag: flags look like --name lab-1 (see --help)');
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (!known.includes(flag)) throw new ConfigError(flag, 'is not a known flag (see --help)');
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new ConfigError(flag, 'needs a value');
    values.set(flag, value);
  }
  return values;
}

interface ConfigFile {
  path?: string;
  values: Record<string, string | string[] | Record<string, string>>;
}

function readConfigFile(
  definition: DaemonConfigSource,
  flags: Map<string, string>,
  env: Record<string, string | undefined>,
  names: Record<Setting, SettingNames>,
  own: SettingNames[],
  lists: SettingNames[],
): ConfigFile {
  const envName = `${definition.envPrefix}_CONFIG`;
  const named = flags.get('--config') ?? (env[envName] || undefined);
  const origin = flags.has('--config') ? '--config' : envName;
  // The default file is optional: a daemon may be configured by environment alone.
  const path = named ?? (existsSync(definition.defaultConfigPath) ? definition.defaultConfigPath : undefined);
  if (path === undefined) return { values: {} };

  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw named === undefined
      ? new ConfigError(path, `cannot be read (${code})`)
      : new ConfigError(origin, `names ${path}, which cannot be read (${code})`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (e) {
    throw new ConfigError(path, `is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return { path, values: {} };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(path, 'must be a mapping of settings, e.g. "name: lab-1"');
  }

  const fileKeys = [...Object.values(names), ...own].map((n) => n.file);
  const listKeys = lists.map((n) => n.file);
  const values: ConfigFile['values'] = {};
  for (const [key, raw] of nestedSettings(parsed as Record<string, unknown>, fileKeys, path)) {
    const origin = `${key} in ${path}`;
    if (!fileKeys.includes(key)) throw new ConfigError(origin, `is not a setting (known: ${fileKeys.join(', ')})`);
    if (raw === null) continue;
    if (key === names.labels.file && typeof raw === 'object' && !Array.isArray(raw)) {
      values[key] = Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, fileScalar(`labels.${k} in ${path}`, v)]));
    } else if (listKeys.includes(key)) {
      if (typeof raw === 'object' && !Array.isArray(raw)) throw new ConfigError(origin, 'must be a list (a sequence, or a,b), not a mapping');
      values[key] = Array.isArray(raw) ? raw.map((item, i) => fileScalar(`${key}[${i}] in ${path}`, item)) : fileScalar(origin, raw);
    } else {
      values[key] = fileScalar(origin, raw);
    }
  }
  return { path, values };
}

/**
 * The file's top-level entries, with those of a section (a mapping whose name starts some dotted
 * file key, like `jobs:` for `jobs.max_concurrent`) flattened to their dotted keys.
 */
function nestedSettings(parsed: Record<string, unknown>, fileKeys: string[], path: string): [string, unknown][] {
  const sections = new Set(fileKeys.filter((k) => k.includes('.')).map((k) => k.slice(0, k.indexOf('.'))));
  const entries: [string, unknown][] = [];
  for (const [key, raw] of Object.entries(parsed)) {
    if (!sections.has(key) || raw === null) {
      entries.push([key, raw]);
      continue;
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${key} in ${path}`, `must be a mapping of settings, e.g. "${key}:" then indented keys`);
    for (const [inner, value] of Object.entries(raw as Record<string, unknown>)) entries.push([`${key}.${inner}`, value]);
  }
  return entries;
}

function fileScalar(origin: string, raw: unknown): string {
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw new ConfigError(origin, 'must be a single value');
}
