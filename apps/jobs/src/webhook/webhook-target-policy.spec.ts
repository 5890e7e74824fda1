import { parseCidr, WebhookTargetPolicy } from './webhook-target-policy';

describe('WebhookTargetPolicy', () => {
  const closed = new WebhookTargetPolicy([]);

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.1', 'private'],
    ['192.168.0.10', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['fd00::1', 'private'],
    ['fe80::1', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
  ])('refuses %s as %s by default', (address, kind) => {
    expect(closed.refusal(address)).toBe(`${address.replace(/^::ffff:/, '')} is a ${kind} address (JOBS_WEBHOOK_ALLOWED_CIDRS can allow internal networks)`);
  });

  it.each([
    ['::ffff:a00:1', '10.0.0.1 is a private address'],
    ['::ffff:a9fe:a9fe', '169.254.169.254 is a link-local address'],
    ['64:ff9b::a9fe:a9fe', '169.254.169.254 is a link-local address'],
    ['64:ff9b::10.1.2.3', '10.1.2.3 is a private address'],
    ['64:ff9b::7f00:1', '127.0.0.1 is a loopback address'],
    ['64:ff9b:1::a00:1', '64:ff9b:1::a00:1 is a NAT64 local-use address'],
  ])('judges %s by the IPv4 address it reaches', (address, why) => {
    expect(closed.refusal(address)).toBe(`${why} (JOBS_WEBHOOK_ALLOWED_CIDRS can allow internal networks)`);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:2800:220:1::1', '64:ff9b::808:808', '::ffff:808:808'])('lets the public address %s through', (address) => {
    expect(closed.refusal(address)).toBeUndefined();
  });

  it('lets through the internal networks it is told to, and only those', () => {
    const policy = new WebhookTargetPolicy(['10.20.0.0/16', '127.0.0.1', 'fd00::/8']);
    expect(policy.refusal('10.20.5.6')).toBeUndefined();
    expect(policy.refusal('127.0.0.1')).toBeUndefined();
    expect(policy.refusal('fd12::1')).toBeUndefined();
    expect(policy.refusal('10.21.0.1')).toMatch(/private/);
    expect(policy.refusal('127.0.0.2')).toMatch(/loopback/);
  });
});

describe('parseCidr', () => {
  it('reads ranges and single hosts', () => {
    expect(parseCidr(' 10.0.0.0/8 ')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
  });

  it.each(['example.com', '10.0.0.0/33', '10.0.0.0/x', '10.0.0.0/8/1', 'fd00::/129', '10.0.0.0/'])('refuses %s with the reason', (cidr) => {
    expect(() => parseCidr(cidr)).toThrow(/not an address or CIDR range|prefix length/);
  });
});
