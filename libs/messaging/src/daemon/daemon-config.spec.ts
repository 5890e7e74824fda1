import { ConfigError } from '@proctor/config';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDaemonConfig } from './daemon-config';
import { DaemonDefinition } from './daemon-definition';

describe('loadDaemonConfig', () => {
  let dir: string;
  let definition: Pick<DaemonDefinition, 'envPrefix' | 'defaultConfigPath' | 'listSettings' | 'settings'>;
  const writeConfig = (text: string, name = 'agentd.yml') => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const required = { AGENTD_GATEWAY_URL: 'http://gw:8080', AGENTD_NAME: 'lab-1', AGENTD_KEY: 'k' };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'daemon-config-'));
    definition = { envPrefix: 'AGENTD', defaultConfigPath: join(dir, 'default.yml') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the documented defaults for what is not set', () => {
    expect(loadDaemonConfig(definition, [], required)).toEqual({
      gatewayUrl: 'http://gw:8080',
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      name: 'lab-1',
      key: 'k',
      labels: {},
      namespace: '',
      port: 9100,
      logLevel: 'log',
      drainTimeoutSeconds: 30,
      lists: {},
      settings: {},
    });
  });

  it('reads the file, lets the environment override it, and flags override both', () => {
    const path = writeConfig(
      [
        'gateway_url: http://file:8080',
        'amqp_url: amqp://file:5672',
        'name: from-file',
        'key: file-key',
        'labels: { site: lab-a, iperf3: "yes" }',
        'namespace: filens',
        'port: 9200',
        'log_level: debug',
        'drain_timeout_seconds: 5',
      ].join('\n'),
    );
    const env = { AGENTD_CONFIG: path, AGENTD_NAME: 'from-env', AGENTD_LABELS: 'site=lab-b', PORT: '9300' };
    const argv = ['--name', 'from-flag', '--port=9400'];

    expect(loadDaemonConfig(definition, argv, env)).toEqual({
      gatewayUrl: 'http://file:8080',
      amqpUrl: 'amqp://file:5672',
      name: 'from-flag',
      key: 'file-key',
      labels: { site: 'lab-b' },
      namespace: 'filens',
      port: 9400,
      logLevel: 'debug',
      drainTimeoutSeconds: 5,
      lists: {},
      settings: {},
      configFile: path,
    });
  });

  it('takes the file from --config over the variable, and reads the default path only if it exists', () => {
    const fromEnv = writeConfig('name: env-file', 'env.yml');
    const fromFlag = writeConfig('name: flag-file', 'flag.yml');
    const env = { AGENTD_GATEWAY_URL: 'http://gw', AGENTD_KEY: 'k', AGENTD_CONFIG: fromEnv };
    expect(loadDaemonConfig(definition, ['--config', fromFlag], env).name).toBe('flag-file');

    expect(loadDaemonConfig(definition, [], required).configFile).toBeUndefined();
    writeConfig('labels:\n  rack: r3\n', 'default.yml');
    expect(loadDaemonConfig(definition, [], required)).toMatchObject({ labels: { rack: 'r3' }, configFile: definition.defaultConfigPath });
  });

  it('reads a daemon\'s own list settings from a sequence in the file, a,b in its variable and its flag', () => {
    definition.listSettings = [{ file: 'storage_paths', help: 'directories' }];
    const path = writeConfig('storage_paths:\n  - /srv/a\n  - /srv/b\n');
    expect(loadDaemonConfig(definition, ['--config', path], required).lists).toEqual({ storage_paths: ['/srv/a', '/srv/b'] });
    expect(loadDaemonConfig(definition, ['--config', path], { ...required, AGENTD_STORAGE_PATHS: '/x, /y,' }).lists).toEqual({
      storage_paths: ['/x', '/y'],
    });
    expect(loadDaemonConfig(definition, ['--storage-paths', '/z'], required).lists).toEqual({ storage_paths: ['/z'] });
    expect(loadDaemonConfig(definition, [], required).lists).toEqual({ storage_paths: [] });
    writeConfig('storage_paths: { a: b }\n');
    expect(() => loadDaemonConfig(definition, ['--config', path], required)).toThrow(`config: storage_paths in ${path} must be a list`);
    expect(() => loadDaemonConfig(definition, ['--storage-path', '/z'], required)).toThrow('config: --storage-path is not a known flag');
  });

  it('reads a daemon\'s own single settings, nested in a section of the file, with their defaults', () => {
    definition.settings = [
      { file: 'jobs.max_concurrent', help: 'jobs at once', type: 'int', default: 2, min: 0, max: 64 },
      { file: 'jobs.work_dir', help: 'where workspaces go', type: 'string', default: '/var/lib/x', pattern: /^\//, patternHelp: 'must be an absolute path' },
    ];
    expect(loadDaemonConfig(definition, [], required).settings).toEqual({ 'jobs.max_concurrent': 2, 'jobs.work_dir': '/var/lib/x' });
    const path = writeConfig('jobs:\n  max_concurrent: 4\n  work_dir: /srv/jobs\n');
    expect(loadDaemonConfig(definition, ['--config', path], required).settings).toEqual({ 'jobs.max_concurrent': 4, 'jobs.work_dir': '/srv/jobs' });
    expect(loadDaemonConfig(definition, ['--config', path, '--jobs-work-dir', '/tmp/j'], { ...required, AGENTD_JOBS_MAX_CONCURRENT: '8' }).settings).toEqual({
      'jobs.max_concurrent': 8,
      'jobs.work_dir': '/tmp/j',
    });

    expect(() => loadDaemonConfig(definition, [], { ...required, AGENTD_JOBS_MAX_CONCURRENT: '65' })).toThrow(
      'config: AGENTD_JOBS_MAX_CONCURRENT must be between 0 and 64, got 65',
    );
    expect(() => loadDaemonConfig(definition, ['--jobs-work-dir', 'rel'], required)).toThrow('config: --jobs-work-dir must be an absolute path, got "rel"');
    writeConfig('jobs:\n  max_concurent: 4\n');
    expect(() => loadDaemonConfig(definition, ['--config', path], required)).toThrow(`config: jobs.max_concurent in ${path} is not a setting`);
    writeConfig('jobs: 4\n');
    expect(() => loadDaemonConfig(definition, ['--config', path], required)).toThrow(`config: jobs in ${path} must be a mapping of settings`);
    writeConfig('jobs:\n  max_concurrent: [1]\n');
    expect(() => loadDaemonConfig(definition, ['--config', path], required)).toThrow(`config: jobs.max_concurrent in ${path} must be a single value`);
  });

  it('parses labels given as k=v,k=v', () => {
    expect(loadDaemonConfig(definition, ['--labels', ' site=lab-a, nic = eth0 ,,zone='], required).labels).toEqual({
      site: 'lab-a',
      nic: 'eth0',
      zone: '',
    });
  });

  it.each<[string, string[], Record<string, string>]>([
    ['config: AGENTD_NAME is required and not set (nor --name, nor name in a config file)', [], { ...required, AGENTD_NAME: '' }],
    ['config: AGENTD_GATEWAY_URL must use http or https, got ftp', [], { ...required, AGENTD_GATEWAY_URL: 'ftp://gw' }],
    ['config: --gateway-url is not a valid URL', ['--gateway-url', 'not a url'], required],
    ['config: AGENTD_AMQP_URL must use amqp or amqps, got http', [], { ...required, AGENTD_AMQP_URL: 'http://rabbit' }],
    ['config: PORT must be a whole number, got "ninety"', [], { ...required, PORT: 'ninety' }],
    ['config: --port must be between 0 and 65535, got 70000', ['--port', '70000'], required],
    ['config: AGENTD_NAME may hold only', [], { ...required, AGENTD_NAME: 'lab 1' }],
    ['config: AGENTD_LABELS must be a list of key=value separated by commas, got "site"', [], { ...required, AGENTD_LABELS: 'site' }],
    ['config: --labels must be a list of key=value', ['--labels', '=x'], required],
    ['config: PROCTOR_NAMESPACE may hold only', [], { ...required, PROCTOR_NAMESPACE: 'a b' }],
    ['config: --log-level must be one of debug, log, warn, error, got "loud"', ['--log-level', 'loud'], required],
    ['config: AGENTD_DRAIN_TIMEOUT_SECONDS must be a whole number, got "30s"', [], { ...required, AGENTD_DRAIN_TIMEOUT_SECONDS: '30s' }],
    ['config: --nmae is not a known flag', ['--nmae', 'x'], required],
    ['config: --name needs a value', ['--name'], required],
    ['config: --name needs a value', ['--name', '--key', 'k'], required],
    ['config: "lab-1" is not a flag', ['lab-1'], required],
  ])('%s', (message, argv, env) => {
    expect(() => loadDaemonConfig(definition, argv, env)).toThrow(ConfigError);
    expect(() => loadDaemonConfig(definition, argv, env)).toThrow(message);
  });

  it('names the file key of a bad value in the file', () => {
    const path = writeConfig('port: 0x\nname: lab-1\n');
    expect(() => loadDaemonConfig(definition, ['--config', path], required)).toThrow(`config: port in ${path} must be a whole number`);
    writeConfig('gateway_url: [a, b]\n');
    expect(() => loadDaemonConfig(definition, ['--config', path], {})).toThrow(`config: gateway_url in ${path} must be a single value`);
    writeConfig('gateway_urll: http://gw\n');
    expect(() => loadDaemonConfig(definition, ['--config', path], required)).toThrow(`config: gateway_urll in ${path} is not a setting`);
    writeConfig('name: [unclosed\n');
    expect(() => loadDaemonConfig(definition, ['--config', path], required)).toThrow(`config: ${path} is not valid YAML`);
    writeConfig('- a list\n');
    expect(() => loadDaemonConfig(definition, ['--config', path], required)).toThrow(`config: ${path} must be a mapping`);
  });

  it('names where a missing config file was named', () => {
    const missing = join(dir, 'missing.yml');
    expect(() => loadDaemonConfig(definition, ['--config', missing], required)).toThrow(
      `config: --config names ${missing}, which cannot be read (ENOENT)`,
    );
    expect(() => loadDaemonConfig(definition, [], { ...required, AGENTD_CONFIG: missing })).toThrow(`config: AGENTD_CONFIG names ${missing}`);
  });
});
