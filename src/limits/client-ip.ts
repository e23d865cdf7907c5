import { isIPv6 } from 'node:net';
import type { Request } from 'express';

/**
 * The address a limit counts for this request: `req.ip`, which honours the app's `trust proxy`
 * setting (see the README's "Behind a proxy"). An IPv6 address is cut to its /64: one host usually
 * holds a whole /64, so counting single addresses would give it 2^64 budgets.
 */
export function clientIp(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  return ipv6Prefix64(ip) ?? ip;
}

/** `2001:db8:1:2::/64` for any address in that /64; the IPv4 address for `::ffff:a.b.c.d`; null for IPv4. */
export function ipv6Prefix64(ip: string): string | null {
  const address = ip.split('%', 1)[0]!;
  if (!isIPv6(address)) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  const [head, tail] = address.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail fills the last two groups; only the first four matter here.
  const width = tailGroups.some((g) => g.includes('.')) ? 7 : 8;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(width - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
