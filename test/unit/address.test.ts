// The webhook address classifier as a pure function: every special-purpose range in its v4, v6, IPv4-mapped and
// numeric forms, the allowlist and its parser. Nothing here opens a socket.
import t from 'tap';
import {
  type AddressCategory,
  classifyIp,
  decideAddress,
  EMPTY_ALLOWLIST,
  formatIp,
  parseAllowlist,
  parseIp,
} from '../../api/src/domain/address.js';
import { ConfigError, loadConfig } from '../../api/src/config.js';

const TABLE: Array<[string, AddressCategory]> = [
  // loopback, in every spelling a URL or a resolver may give
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['2130706433', 'loopback'],
  ['0x7f.1', 'loopback'],
  ['0x7f000001', 'loopback'],
  ['017700000001', 'loopback'],
  ['0177.0.0.1', 'loopback'],
  ['127.1', 'loopback'],
  ['127.0.1', 'loopback'],
  ['127.0.0.1.', 'loopback'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['0:0:0:0:0:ffff:127.0.0.1', 'loopback'],
  ['::127.0.0.1', 'loopback'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['2002:7f00:1::', 'loopback'],
  // unspecified
  ['0.0.0.0', 'unspecified'],
  ['0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['::', 'unspecified'],
  ['::ffff:0.0.0.0', 'unspecified'],
  // RFC 1918
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['167772161', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['0xc0.0xa8.1.1', 'private'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:c0a8:101', 'private'],
  ['2002:c0a8:0101::1', 'private'],
  // link-local, the metadata service among them
  ['169.254.169.254', 'link_local'],
  ['0xa9fea9fe', 'link_local'],
  ['::ffff:169.254.169.254', 'link_local'],
  ['fe80::1', 'link_local'],
  ['febf:ffff::1', 'link_local'],
  // CGNAT
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['::ffff:100.64.0.1', 'cgnat'],
  // unique local
  ['fc00::1', 'unique_local'],
  ['fd12:3456:789a::1', 'unique_local'],
  // multicast and broadcast
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['ff02::1', 'multicast'],
  ['ff05::1:3', 'multicast'],
  ['::ffff:224.0.0.251', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['::ffff:255.255.255.255', 'broadcast'],
  // documentation and benchmarking
  ['192.0.2.1', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['2001:2::1', 'benchmarking'],
  // reserved
  ['240.0.0.1', 'reserved'],
  ['192.0.0.8', 'reserved'],
  ['192.88.99.1', 'reserved'],
  ['2001::1', 'reserved'],
  ['100::1', 'reserved'],
  ['64:ff9b:1::1', 'reserved'],
  ['fec0::1', 'reserved'],
  ['::ffff:0:1.2.3.4', 'reserved'],
  ['4000::1', 'reserved'],
  // public: just outside the ranges above
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  ['100.63.255.255', 'public'],
  ['100.128.0.0', 'public'],
  ['172.15.255.255', 'public'],
  ['172.32.0.0', 'public'],
  ['169.253.255.255', 'public'],
  ['198.17.255.255', 'public'],
  ['198.20.0.0', 'public'],
  ['223.255.255.255', 'public'],
  ['::ffff:8.8.8.8', 'public'],
  ['2400:3200::1', 'public'],
  ['2001:4860:4860::8888', 'public'],
  ['2002:808:808::1', 'public'],
  ['64:ff9b::8.8.8.8', 'public'],
];

t.test('the classifier table', async (t) => {
  for (const [text, expected] of TABLE) {
    const ip = parseIp(text);
    t.ok(ip, `${text} parses`);
    if (ip) t.equal(classifyIp(ip), expected, `${text} → ${formatIp(ip)} is ${expected}`);
  }
});

t.test('numeric forms normalise the way WHATWG URL parsing does', async (t) => {
  // The URL parser runs before the classifier in production; both must agree on what a host means.
  for (const host of [
    '2130706433',
    '0x7f.1',
    '017700000001',
    '127.1',
    '0x7f000001',
    '0177.0.0.1',
    '167772161',
    '0xa9fea9fe',
  ]) {
    const fromUrl = new URL(`http://${host}/`).hostname;
    t.equal(formatIp(parseIp(host)!), fromUrl, host);
  }
  for (const host of ['[::ffff:127.0.0.1]', '[0:0:0:0:0:ffff:7f00:1]', '[::127.0.0.1]', '[fe80:0:0:0::1]']) {
    const fromUrl = new URL(`http://${host}/`).hostname;
    t.equal(`[${formatIp(parseIp(host)!)}]`, fromUrl, host);
  }
});

t.test('host names and malformed addresses are not addresses', async (t) => {
  for (const s of [
    'localhost',
    'example.test',
    'metadata.google.internal',
    'deadbeef',
    '1.2.3.4.5',
    '256.1.1.1',
    '0x100000000',
    '4294967296',
    '1::2::3',
    'fe80::1%eth0',
    '1:2:3:4:5:6:7:8:9',
    '::ffff:1.2.3',
    'g::1',
    '',
  ]) {
    t.equal(parseIp(s), null, JSON.stringify(s));
  }
  t.equal(formatIp(parseIp('4294967295')!), '255.255.255.255');
});

t.test('the allowlist opens exactly what it names', async (t) => {
  const parsed = parseAllowlist('127.0.0.1/32, ::1 10.20.0.0/16,hooks.intranet.gov.cn *.svc.local');
  t.ok(parsed.ok);
  if (!parsed.ok) return;
  const allow = parsed.value;
  const ok = (addr: string, host?: string) => decideAddress(parseIp(addr)!, allow, host).ok;
  t.ok(ok('127.0.0.1'), '127.0.0.1/32');
  t.notOk(ok('127.0.0.2'), 'only /32');
  t.ok(ok('::ffff:127.0.0.1'), 'an IPv4 entry covers its IPv4-mapped form');
  t.ok(ok('::1'), 'a bare address is a single-address range');
  t.ok(ok('10.20.255.1'));
  t.notOk(ok('10.21.0.1'));
  t.notOk(ok('169.254.169.254'));
  t.ok(ok('10.99.0.1', 'hooks.intranet.gov.cn'), 'an allowed name reaches whatever it resolves to');
  t.ok(ok('10.99.0.1', 'HOOKS.intranet.gov.cn.'), 'names compare case-insensitively, trailing dot ignored');
  t.ok(ok('192.168.3.3', 'a.svc.local'), '*.domain covers names below it');
  t.notOk(ok('192.168.3.3', 'svc.local'), '*.domain does not cover the domain itself');
  t.notOk(ok('192.168.3.3', 'evilsvc.local'));
  t.notOk(ok('192.168.3.3', 'hooks.intranet.gov.cn.evil.test'));
  t.ok(ok('8.8.8.8'), 'public addresses need no entry');
  t.notOk(decideAddress(parseIp('127.0.0.1')!, EMPTY_ALLOWLIST).ok, 'nothing opened by default');
  t.same(parseAllowlist(undefined), { ok: true, value: { cidrs: [], hosts: [] } });
});

t.test('bad allowlist entries are refused with the entry named', async (t) => {
  for (const bad of [
    '0.0.0.0/0',
    '::/0',
    '10.0.0.0/33',
    '::1/129',
    '10.0.0/8',
    '1.2.3.4/x',
    'bad_host!',
    '*',
    'a..b',
    '127.1',
    '300.1.1.1/8',
  ]) {
    const r = parseAllowlist(bad);
    t.equal(r.ok, false, bad);
    if (!r.ok) t.ok(r.detail.includes(bad), r.detail);
  }
});

t.test('YINGCHA_WEBHOOK_ALLOW in the configuration', async (t) => {
  t.same(loadConfig({}).workers.allow, { cidrs: [], hosts: [] }, 'unset: nothing beyond public addresses');
  const allow = loadConfig({ YINGCHA_WEBHOOK_ALLOW: '10.20.0.0/16, hooks.intranet.gov.cn' }).workers.allow;
  t.equal(allow.cidrs.length, 1);
  t.same(allow.hosts, ['hooks.intranet.gov.cn']);
  for (const bad of ['0.0.0.0/0', 'not a host!', '10.0.0.0/99']) {
    let thrown: unknown;
    try {
      loadConfig({ YINGCHA_WEBHOOK_ALLOW: bad });
    } catch (err) {
      thrown = err;
    }
    t.ok(
      thrown instanceof ConfigError && thrown.variable === 'YINGCHA_WEBHOOK_ALLOW',
      `${bad}: ConfigError naming the variable`,
    );
  }
});
