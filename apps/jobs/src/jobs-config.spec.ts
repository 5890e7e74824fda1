import { EnvReader } from '@proctor/config';
import { readJobsConfig } from './jobs-config';

describe('readJobsConfig: JOBS_WEBHOOK_ALLOWED_CIDRS', () => {
  const shared = { eventMaxAttempts: 5, eventRetryBaseMs: 100 };
  const read = (value?: string) => readJobsConfig(new EnvReader({ JOBS_WEBHOOK_ALLOWED_CIDRS: value }), shared).webhookAllowedCidrs;

  it('allows no internal network unless told', () => {
    expect(read()).toEqual([]);
    expect(read('')).toEqual([]);
  });

  it('reads a comma-separated list of ranges and hosts', () => {
    expect(read(' 10.20.0.0/16, 127.0.0.1 ,fd00::/8,')).toEqual(['10.20.0.0/16', '127.0.0.1', 'fd00::/8']);
  });

  it('names the variable and the bad entry in one line', () => {
    expect(() => read('10.0.0.0/8,intranet')).toThrow('config: JOBS_WEBHOOK_ALLOWED_CIDRS "intranet" is not an address or CIDR range');
  });
});
