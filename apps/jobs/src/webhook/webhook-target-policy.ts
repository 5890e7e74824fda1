import { BlockList, isIP } from 'node:net';

/**
 * Address ranges a webhook may not reach unless JOBS_WEBHOOK_ALLOWED_CIDRS names them: a job's
 * submitter picks the URL, so without this the jobs service would POST, from inside the cluster, to
 * whatever internal address they name (server-side request forgery: metadata endpoints, admin ports).
 */
const INTERNAL_RANGES: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fc00::', 7, 'ipv6', 'private'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
  // Local-use NAT64 (RFC 8215): what it reaches depends on the site's translator.
  ['64:ff9b:1::', 48, 'ipv6', 'NAT64 local-use'],
];

const INTERNAL = INTERNAL_RANGES.map(([net, prefix, family, kind]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return { kind, list };
});

export class WebhookTargetPolicy {
  private readonly allowed = new BlockList();

  /** `allowedCidrs`: internal networks webhooks may reach all the same (e.g. `10.20.0.0/16`). */
  constructor(allowedCidrs: readonly string[]) {
    for (const cidr of allowedCidrs) {
      const { address, prefix, family } = parseCidr(cidr);
      this.allowed.addSubnet(address, prefix, family);
    }
  }

  /** Why a resolved address may not be POSTed to, or undefined when it may. */
  refusal(address: string): string | undefined {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    const unmapped = family === 'ipv6' ? embeddedIpv4(address) : undefined;
    if (unmapped) return this.refusal(unmapped);
    if (this.allowed.check(address, family)) return undefined;
    const range = INTERNAL.find(({ list }) => list.check(address, family));
    return range ? `${address} is a ${range.kind} address (JOBS_WEBHOOK_ALLOWED_CIDRS can allow internal networks)` : undefined;
  }
}

/** `a.b.c.d/n` or `x::y/n`; a bare address is a single host. Throws with the reason on anything else. */
export function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const [address, prefixText, ...rest] = cidr.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) throw new Error(`"${cidr}" is not an address or CIDR range`);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
    throw new Error(`"${cidr}" has a prefix length outside 0–${max}`);
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * The IPv4 address an IPv6 one reaches: IPv4-mapped (`::ffff:10.0.0.1`, also written
 * `::ffff:a00:1`) and the NAT64 well-known prefix (`64:ff9b::10.0.0.1`, RFC 6052) are judged as the
 * IPv4 address they carry.
 */
function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  if (!mapped && !nat64) return undefined;
  return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included), or undefined. */
function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const bytes = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((bytes[0] << 8) | bytes[1]).toString(16)}:${((bytes[2] << 8) | bytes[3]).toString(16)}`;
  }
  const [head, tail, ...more] = text.split('::');
  if (more.length > 0) return undefined;
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}
