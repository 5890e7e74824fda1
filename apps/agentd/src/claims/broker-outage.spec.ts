import { BrokerOutage } from './broker-outage';

describe('BrokerOutage', () => {
  it('claims over HTTP only once the daemon has not consumed for the grace period since start', () => {
    const outage = new BrokerOutage(5000, 0);
    expect(outage.claimOverHttp(4999)).toBe(false);
    expect(outage.claimOverHttp(5000)).toBe(true);
  });

  it('stops claiming as soon as it consumes again', () => {
    const outage = new BrokerOutage(5000, 0);
    outage.consuming();
    expect(outage.claimOverHttp(60_000)).toBe(false);
  });

  it('counts an outage from when consuming stopped, not from a later report of it', () => {
    const outage = new BrokerOutage(5000, 0);
    outage.consuming();
    outage.notConsuming(10_000);
    outage.notConsuming(14_000);
    expect(outage.claimOverHttp(14_999)).toBe(false);
    expect(outage.claimOverHttp(15_000)).toBe(true);
  });
});
