// Where a webhook may be delivered. A subscriber chooses the URL, and the delivery worker sits on an intranet next to
// databases and metadata services, so without a check a subscription is a port scanner pointed inward (SSRF). This
// module is the pure half: parse an address in any form a URL or a resolver may give it, classify it, and decide it
// against the operator's allowlist (YINGCHA_WEBHOOK_ALLOW). The I/O half, which resolves names and connects only to
// addresses decided here, is in services/delivery.ts.

/** An IP address as its bytes: 4 for IPv4, 16 for IPv6. */
export interface Ip {
  family: 4 | 6;
  bytes: Uint8Array;
}

/**
 * What an address is. Everything but `public` is refused unless the allowlist opens it. `reserved` covers the rest of
 * the special-purpose registries (IETF protocol assignments, 240/4, IPv6 outside 2000::/3, 6to4 relays, NAT64 local
 * use, Teredo, discard-only).
 */
export type AddressCategory =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'unique_local'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved';

export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

/** YINGCHA_WEBHOOK_ALLOW, parsed: address ranges, and host names (exact, or `*.suffix` for any name below it). */
export interface Allowlist {
  cidrs: Cidr[];
  hosts: string[];
}

export const EMPTY_ALLOWLIST: Allowlist = Object.freeze({ cidrs: [], hosts: [] });

/**
 * One IPv4 part as inet_aton reads it: 0x… hexadecimal, a leading 0 octal, otherwise decimal. WHATWG URL parsing
 * already turns `2130706433`, `0x7f.1`, `017700000001` and `127.1` into 127.0.0.1, but an address can reach this
 * module by other roads (a resolver answer, a test table), so the classifier normalises them itself too.
 */
function ipv4Part(s: string): number | null {
  if (/^0x[0-9a-f]*$/i.test(s)) return s.length === 2 ? 0 : parseInt(s.slice(2), 16);
  if (/^0[0-7]+$/.test(s)) return parseInt(s, 8);
  if (/^(0|[1-9][0-9]*)$/.test(s)) return Number(s);
  return null;
}

/** IPv4 in any of the forms inet_aton accepts (1 to 4 parts; the last part fills the remaining bytes). */
export function parseIpv4(input: string): Ip | null {
  const s = input.endsWith('.') ? input.slice(0, -1) : input;
  const parts = s.split('.');
  if (parts.length < 1 || parts.length > 4 || parts.some((p) => p === '' || p.length > 34)) return null;
  const nums = parts.map(ipv4Part);
  if (nums.some((n) => n === null || !Number.isFinite(n))) return null;
  const values = nums as number[];
  const last = values[values.length - 1]!;
  const head = values.slice(0, -1);
  if (head.some((n) => n > 255)) return null;
  if (last >= 256 ** (5 - values.length)) return null;
  let n = head.reduce((acc, v, i) => acc + v * 256 ** (3 - i), 0) + last;
  const bytes = new Uint8Array(4);
  for (let i = 3; i >= 0; i--) {
    bytes[i] = n % 256;
    n = Math.floor(n / 256);
  }
  return { family: 4, bytes };
}

/** IPv6, with or without brackets, `::` compression and a dotted IPv4 tail. A zone id (`%eth0`) is refused. */
export function parseIpv6(input: string): Ip | null {
  let s = input;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (!s.includes(':') || s.includes('%') || s.length > 64) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const words = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (i === groups.length - 1 && g.includes('.')) {
        // Only the strict dotted quad here, as in RFC 4291's text form.
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(g)) return null;
        const q = g.split('.').map(Number);
        if (q.some((n) => n > 255)) return null;
        out.push(q[0]! * 256 + q[1]!, q[2]! * 256 + q[3]!);
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return { family: 6, bytes };
}

/** An address in any accepted form, or null for a host name. */
export function parseIp(host: string): Ip | null {
  return parseIpv6(host) ?? (/^[0-9a-fx.]+$/i.test(host) ? parseIpv4(host) : null);
}

export function formatIp(ip: Ip): string {
  if (ip.family === 4) return [...ip.bytes].join('.');
  const w = Array.from({ length: 8 }, (_, i) => (ip.bytes[2 * i]! << 8) | ip.bytes[2 * i + 1]!);
  // RFC 5952: compress the longest run of two or more zero words.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Whether the first `prefix` bits of `bytes` equal those of `net`. */
function inPrefix(bytes: Uint8Array, net: readonly number[], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 8) {
    const take = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((bytes[bit / 8] ?? 0) & mask) !== ((net[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

// IANA IPv4 Special-Purpose Address Registry (RFC 6890 and successors), most specific first where they nest.
const V4: ReadonlyArray<[number[], number, AddressCategory]> = [
  [[255, 255, 255, 255], 32, 'broadcast'],
  [[0], 8, 'unspecified'],
  [[10], 8, 'private'],
  [[100, 64], 10, 'cgnat'],
  [[127], 8, 'loopback'],
  [[169, 254], 16, 'link_local'],
  [[172, 16], 12, 'private'],
  [[192, 0, 0], 24, 'reserved'],
  [[192, 0, 2], 24, 'documentation'],
  [[192, 31, 196], 24, 'reserved'],
  [[192, 52, 193], 24, 'reserved'],
  [[192, 88, 99], 24, 'reserved'],
  [[192, 168], 16, 'private'],
  [[192, 175, 48], 24, 'reserved'],
  [[198, 18], 15, 'benchmarking'],
  [[198, 51, 100], 24, 'documentation'],
  [[203, 0, 113], 24, 'documentation'],
  [[224], 4, 'multicast'],
  [[240], 4, 'reserved'],
];

const v4Of = (b: Uint8Array, at: number): Ip => ({ family: 4, bytes: b.slice(at, at + 4) });

/**
 * The category of an address. IPv6 forms that carry an IPv4 address (IPv4-mapped ::ffff:0:0/96, IPv4-compatible
 * ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by that IPv4 address, since the packet ends up there.
 */
export function classifyIp(ip: Ip): AddressCategory {
  const b = ip.bytes;
  if (ip.family === 4) {
    for (const [net, prefix, category] of V4) if (inPrefix(b, net, prefix)) return category;
    return 'public';
  }
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 16)) return 'unspecified';
  if (zeros(0, 15) && b[15] === 1) return 'loopback';
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return classifyIp(v4Of(b, 12));
  if (zeros(0, 12)) return classifyIp(v4Of(b, 12));
  if (inPrefix(b, [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], 96)) return classifyIp(v4Of(b, 12));
  if (inPrefix(b, [0x20, 0x02], 16)) return classifyIp(v4Of(b, 2));
  if (inPrefix(b, [0xff], 8)) return 'multicast';
  if (inPrefix(b, [0xfe, 0x80], 10)) return 'link_local';
  if (inPrefix(b, [0xfc], 7)) return 'unique_local';
  if (inPrefix(b, [0x20, 0x01, 0x0d, 0xb8], 32)) return 'documentation';
  if (inPrefix(b, [0x3f, 0xff], 20)) return 'documentation';
  if (inPrefix(b, [0x20, 0x01, 0x00, 0x02, 0, 0], 48)) return 'benchmarking';
  // 2001::/23 (IETF protocol assignments, Teredo among them) is reserved; the rest of 2000::/3 is global unicast.
  if (inPrefix(b, [0x20, 0x01, 0x00], 23)) return 'reserved';
  if (inPrefix(b, [0x20], 3)) return 'public';
  return 'reserved';
}

export function inCidr(ip: Ip, cidr: Cidr): boolean {
  return ip.family === cidr.family && inPrefix(ip.bytes, [...cidr.bytes], cidr.prefix);
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it is, so an IPv4 allowlist entry covers it. */
function unmapped(ip: Ip): Ip {
  const b = ip.bytes;
  return ip.family === 6 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff ? v4Of(b, 12) : ip;
}

const HOST_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

export function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

export function hostAllowed(host: string, allow: Allowlist): boolean {
  const h = normalizeHost(host);
  return allow.hosts.some((entry) => (entry.startsWith('*.') ? h.endsWith(entry.slice(1)) : h === entry));
}

export type AddressDecision = { ok: true; category: AddressCategory } | { ok: false; category: AddressCategory };

/**
 * May a webhook connect to `ip`, reached as `host`? Public addresses may; any other only when the allowlist names the
 * host or a range holding the address.
 */
export function decideAddress(ip: Ip, allow: Allowlist, host?: string): AddressDecision {
  const category = classifyIp(ip);
  if (category === 'public') return { ok: true, category };
  if (host !== undefined && hostAllowed(host, allow)) return { ok: true, category };
  const plain = unmapped(ip);
  return { ok: allow.cidrs.some((c) => inCidr(ip, c) || inCidr(plain, c)), category };
}

export function parseCidr(entry: string): Cidr | null {
  const [addr, len, ...rest] = entry.split('/');
  if (rest.length > 0 || addr === undefined) return null;
  // Strict forms only: an operator's allowlist should read as what it opens.
  const ip = addr.includes(':') ? parseIpv6(addr) : /^\d{1,3}(\.\d{1,3}){3}$/.test(addr) ? parseIpv4(addr) : null;
  if (!ip) return null;
  const max = ip.family === 4 ? 32 : 128;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return null;
  const prefix = len === undefined ? max : Number(len);
  if (prefix > max) return null;
  return { family: ip.family, bytes: ip.bytes, prefix };
}

/**
 * YINGCHA_WEBHOOK_ALLOW: entries separated by commas or spaces. An entry is a CIDR (`10.20.0.0/16`, `fd00:1::/64`),
 * a single address (`10.20.1.5`, `::1`), a host name (`hooks.intranet.gov.cn`), or `*.` and a domain for every name
 * below it. Opening everything (`0.0.0.0/0`, `::/0`) is refused: that would be switching the check off.
 */
export function parseAllowlist(
  raw: string | undefined,
): { ok: true; value: Allowlist } | { ok: false; detail: string } {
  const cidrs: Cidr[] = [];
  const hosts: string[] = [];
  for (const entry of (raw ?? '').split(/[\s,]+/).filter(Boolean)) {
    const looksNumeric = /^[0-9.]+(\/\d*)?$/.test(entry) || entry.includes(':');
    if (looksNumeric) {
      const c = parseCidr(entry);
      if (!c)
        return {
          ok: false,
          detail: `"${entry}" is not an address or CIDR (e.g. 10.20.0.0/16, fd00::/8, 127.0.0.1/32)`,
        };
      if (c.prefix === 0)
        return { ok: false, detail: `"${entry}" would allow every address; list the ranges your receivers use` };
      cidrs.push(c);
      continue;
    }
    const h = normalizeHost(entry);
    if (h.length > 253 || !HOST_NAME.test(h) || h === '*') {
      return { ok: false, detail: `"${entry}" is not a host name, *.domain, address or CIDR` };
    }
    hosts.push(h);
  }
  return { ok: true, value: { cidrs, hosts } };
}
