import { AgentCapabilities } from '@proctor/contracts';
import { serverAddressOf } from './server-address';

function interfaces(...items: { name: string; addresses: string[] }[]): AgentCapabilities {
  return { interfaces: { items, verified_at: '2026-11-23T10:00:00.000Z' } };
}

describe('serverAddressOf', () => {
  it('takes the first IPv4 address in the order reported, without its prefix length', () => {
    const caps = interfaces({ name: 'eth0', addresses: ['fe80::1', '10.0.3.17/24', '10.0.3.18'] }, { name: 'eth1', addresses: ['192.168.1.2'] });
    expect(serverAddressOf(caps)).toBe('10.0.3.17');
  });

  it('passes over loopback while another IPv4 address exists, and takes it when nothing else does', () => {
    expect(serverAddressOf(interfaces({ name: 'lo', addresses: ['127.0.0.1/8', '::1'] }, { name: 'eth0', addresses: ['172.16.0.4'] }))).toBe('172.16.0.4');
    expect(serverAddressOf(interfaces({ name: 'lo', addresses: ['127.0.0.1/8'] }))).toBe('127.0.0.1');
  });

  it('falls back to 127.0.0.1 when the agent reported no IPv4 address, or nothing', () => {
    expect(serverAddressOf(interfaces({ name: 'eth0', addresses: ['2001:db8::5/64', 'not-an-address'] }))).toBe('127.0.0.1');
    expect(serverAddressOf({})).toBe('127.0.0.1');
    expect(serverAddressOf(null)).toBe('127.0.0.1');
  });
});
