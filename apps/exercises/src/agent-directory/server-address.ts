import { AgentCapabilities } from '@proctor/contracts';
import { isIPv4 } from 'node:net';

/** Where a client connects when the directory knows no address of the server agent (both on one host, say). */
export const FALLBACK_SERVER_ADDRESS = '127.0.0.1';

/**
 * The address a client is sent to reach a server agent: the first IPv4 address of its interfaces,
 * in the order the daemon reported them. A loopback address is taken only when there is nothing
 * else, since a client on another machine would reach itself there. Addresses may carry a prefix
 * length (`10.0.0.5/24`).
 */
export function serverAddressOf(capabilities: AgentCapabilities | null | undefined): string {
  const addresses = (capabilities?.interfaces?.items ?? []).flatMap((item) => item.addresses).map((a) => a.split('/')[0].trim());
  const ipv4 = addresses.filter((a) => isIPv4(a));
  return ipv4.find((a) => !a.startsWith('127.')) ?? ipv4[0] ?? FALLBACK_SERVER_ADDRESS;
}
