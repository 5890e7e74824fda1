import { NetworkInterfaceInfo } from 'node:os';
import { interfacesCapability, parseIperf3Version } from './capability-probe';

describe('parseIperf3Version', () => {
  it.each([
    ['iperf 3.12 (cJSON 1.7.15)\nLinux vm 6.1 ...', '3.12'],
    ['iperf 3.9 (cJSON 1.7.13)', '3.9'],
    ['iperf 3.17.1 (cJSON 1.7.15)', '3.17.1'],
    ['iperf 3.1.3', '3.1.3'],
    ['iperf 3.18+ (cJSON 1.7.15)', '3.18+'],
  ])('%s → %s', (output, version) => {
    expect(parseIperf3Version(output)).toBe(version);
  });

  it('finds nothing in something else', () => {
    expect(parseIperf3Version('bash: iperf3: command not found')).toBeUndefined();
  });
});

describe('interfacesCapability', () => {
  const info = (address: string, internal = false): NetworkInterfaceInfo =>
    ({ address, internal, family: address.includes(':') ? 'IPv6' : 'IPv4', netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;

  it('lists each interface with its addresses, leaving loopback out', () => {
    expect(
      interfacesCapability({
        lo: [info('127.0.0.1', true), info('::1', true)],
        eth0: [info('10.0.0.7'), info('fe80::1')],
        docker0: [info('172.17.0.1')],
        down0: [],
      }),
    ).toEqual([
      { name: 'eth0', addresses: ['10.0.0.7', 'fe80::1'] },
      { name: 'docker0', addresses: ['172.17.0.1'] },
    ]);
  });
});
