/**
 * IPv4 CIDR arithmetic for synth-time validation and subnet planning (network module, cache ingress CIDRs).
 *
 * Pure functions over 32-bit unsigned integers. Hand-written rather than a dependency: the whole need is parse,
 * contain, overlap and subdivide (about forty lines), and every caller validates its props with it before any
 * resource exists, so its behaviour is pinned by tests/unit/modules/network-cidr.test.ts.
 */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  /** Prefix length, 0–32. */
  readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Why a string is not a canonical IPv4 CIDR, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  if (typeof text !== "string") return "must be an IPv4 CIDR string such as 10.0.0.0/16";
  const m = CIDR_RE.exec(text);
  if (!m) return "must be an IPv4 CIDR such as 10.0.0.0/16";
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return "must be an IPv4 CIDR with octets 0–255 and a prefix 0–32";
  const address = toInt(octets);
  const network = maskNetwork(address, prefix);
  if (network !== address) return `has host bits set; the network of this prefix is ${formatCidr({ network, prefix })}`;
  return undefined;
}

/** Parses a canonical IPv4 CIDR (host bits zero); undefined when it is not one. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  if (cidrProblem(text) !== undefined) return undefined;
  const m = CIDR_RE.exec(text)!;
  return { network: toInt(m.slice(1, 5).map(Number)), prefix: Number(m[5]) };
}

export function formatCidr(c: Ipv4Cidr): string {
  const n = c.network;
  return `${Math.floor(n / 2 ** 24) % 256}.${Math.floor(n / 2 ** 16) % 256}.${Math.floor(n / 2 ** 8) % 256}.${n % 256}/${c.prefix}`;
}

/** Whether `inner` lies entirely inside `outer` (a block contains itself). */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && maskNetwork(inner.network, outer.prefix) === outer.network;
}

/** Whether two blocks share at least one address (aligned blocks either nest or are disjoint). */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** The `index`-th block of prefix `newPrefix` inside `parent`; throws when it does not fit. */
export function subdivide(parent: Ipv4Cidr, newPrefix: number, index: number): Ipv4Cidr {
  if (newPrefix < parent.prefix || newPrefix > 32) throw new RangeError(`cannot split /${parent.prefix} into /${newPrefix}`);
  const count = 2 ** (newPrefix - parent.prefix);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`block ${index} does not exist: ${formatCidr(parent)} has ${count} blocks of /${newPrefix}`);
  }
  return { network: parent.network + index * 2 ** (32 - newPrefix), prefix: newPrefix };
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map((c) => parseCidr(c)!);

/** Whether a block lies inside RFC 1918 private space or the RFC 6598 shared range (100.64.0.0/10). */
export function isPrivateCidr(c: Ipv4Cidr): boolean {
  return PRIVATE_RANGES.some((r) => cidrContains(r, c));
}

function toInt(octets: number[]): number {
  return ((octets[0]! * 256 + octets[1]!) * 256 + octets[2]!) * 256 + octets[3]!;
}

function maskNetwork(address: number, prefix: number): number {
  const size = 2 ** (32 - prefix);
  return address - (address % size);
}
