// A MaxMind DB (.mmdb) reader that reads the file with positioned reads instead of loading it:
// the `maxmind` package reads the whole file into memory, and the bundled DB-IP pair is 134 MB —
// most of a web process's RSS. Here the search tree is read in chunks of nodes and the data
// section in 4 KB blocks, each kept in a bounded LRU, so memory stays at a few MB while the hot
// top of the tree and popular records are served from memory. Format: MaxMind DB spec 2.0.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'); // \xAB\xCD\xEF "MaxMind.com"
const METADATA_MAX = 128 * 1024;
const NODES_PER_CHUNK = 256;
const PREFIX_BITS = 16;
/** The deeper cache of IPv4 walks: the node (or record) reached after 24 bits, per /24 network. */
const V4_NETWORK_BITS = 24;
const V4_NETWORKS_CACHED = 65_536;
const DATA_BLOCK = 4096;

export interface MmdbMetadata {
  nodeCount: number;
  recordSize: 24 | 28 | 32;
  ipVersion: 4 | 6;
  databaseType: string;
  buildEpoch: Date;
}

export class MmdbFormatError extends Error {
  override name = 'MmdbFormatError';
}

/**
 * A bounded cache, evicting in insertion order. Not refreshing on hits keeps a hit to one Map
 * look-up; the hottest entries (the top of the tree) are served by the prefix tables instead.
 */
class Lru<V> {
  private readonly map = new Map<number, V>();
  constructor(private readonly max: number) {}
  get(k: number): V | undefined {
    return this.map.get(k);
  }
  set(k: number, v: V): void {
    this.map.set(k, v);
  }
  /** When full: removes and returns the oldest value, for the caller to reuse. */
  evict(): V | undefined {
    if (this.map.size < this.max) return undefined;
    const [k, v] = this.map.entries().next().value as [number, V];
    this.map.delete(k);
    return v;
  }
}

/** Bytes at an offset: `buf[pos]` is the first, and `length` bytes from there are valid. */
type Bytes = [buf: Buffer, pos: number];
type At = (offset: number, length: number) => Bytes;

/**
 * Decodes data-section values (spec "Output Data Section"). Bytes come through `at`, which may
 * hand back a larger window: while the next bytes lie in the current window, no call is made.
 * Offsets (and pointers) are relative to `at`'s origin.
 */
export class Decoder {
  private buf: Buffer = Buffer.alloc(0);
  /** Origin offset of buf[0], and of the first byte past the window. */
  private start = 0;
  private end = 0;
  /** Offset just past the last decoded value. */
  next = 0;

  constructor(private readonly at: At) {}

  /** Index into this.buf of `offset`, with `length` bytes available. */
  private ensure(offset: number, length: number): number {
    if (offset >= this.start && offset + length <= this.end) return offset - this.start;
    const [buf, pos] = this.at(offset, length);
    this.buf = buf;
    this.start = offset - pos;
    this.end = this.start + buf.length;
    return pos;
  }

  private uint(offset: number, size: number): number {
    if (size === 0) return 0;
    const i = this.ensure(offset, size);
    let n = 0;
    for (let k = 0; k < size; k++) n = n * 256 + this.buf[i + k];
    return n;
  }

  decode(offset: number): unknown {
    const ci = this.ensure(offset, 1);
    const ctrl = this.buf[ci];
    let off = offset + 1;
    let type = ctrl >> 5;
    if (type === 1) {
      const ss = (ctrl >> 3) & 3;
      const p = ss === 3 ? this.uint(off, 4) : (ctrl & 7) * 256 ** (ss + 1) + this.uint(off, ss + 1) + POINTER_BASE[ss];
      const value = this.decode(p);
      this.next = off + ss + 1;
      return value;
    }
    if (type === 0) {
      const ti = this.ensure(off, 1);
      type = 7 + this.buf[ti];
      off++;
    }
    let size = ctrl & 0x1f;
    if (size >= 29) {
      const n = size - 28;
      size = SIZE_BASE[n] + this.uint(off, n);
      off += n;
    }
    let value: unknown;
    switch (type) {
      case 2: {
        // UTF-8 string
        const i = this.ensure(off, size);
        value = size === 0 ? '' : this.buf.toString('utf8', i, i + size);
        off += size;
        break;
      }
      case 3: {
        // double
        const i = this.ensure(off, 8);
        value = this.buf.readDoubleBE(i);
        off += 8;
        break;
      }
      case 4: {
        const i = this.ensure(off, size);
        value = Buffer.from(this.buf.subarray(i, i + size));
        off += size;
        break;
      }
      case 5: // uint16, uint32, uint64, uint128 (beyond 2^53 precision is lost: no field Ichnos reads)
      case 6:
      case 9:
      case 10:
        value = this.uint(off, size);
        off += size;
        break;
      case 8: {
        // int32
        const i = size === 4 ? this.ensure(off, 4) : -1;
        value = i >= 0 ? this.buf.readInt32BE(i) : this.uint(off, size);
        off += size;
        break;
      }
      case 7: {
        const map: Record<string, unknown> = {};
        for (let k = 0; k < size; k++) {
          const key = this.decode(off);
          map[String(key)] = this.decode(this.next);
          off = this.next;
        }
        value = map;
        break;
      }
      case 11: {
        const list: unknown[] = [];
        for (let k = 0; k < size; k++) {
          list.push(this.decode(off));
          off = this.next;
        }
        value = list;
        break;
      }
      case 14:
        value = size !== 0;
        break;
      case 15: {
        const i = this.ensure(off, 4);
        value = this.buf.readFloatBE(i);
        off += 4;
        break;
      }
      default:
        throw new MmdbFormatError(`unknown data type ${type} at ${offset}`);
    }
    this.next = off;
    return value;
  }
}

const POINTER_BASE = [0, 2048, 526336, 0];
const SIZE_BASE = [0, 29, 285, 65821];

function metadataOf(m: Record<string, unknown>): MmdbMetadata {
  const recordSize = Number(m.record_size);
  const ipVersion = Number(m.ip_version);
  const nodeCount = Number(m.node_count);
  if (![24, 28, 32].includes(recordSize)) throw new MmdbFormatError(`unsupported record size ${recordSize}`);
  if (ipVersion !== 4 && ipVersion !== 6) throw new MmdbFormatError(`unsupported IP version ${ipVersion}`);
  if (!(nodeCount > 0)) throw new MmdbFormatError('no search tree');
  return {
    nodeCount,
    recordSize: recordSize as 24 | 28 | 32,
    ipVersion,
    databaseType: String(m.database_type ?? ''),
    buildEpoch: new Date(Number(m.build_epoch ?? 0) * 1000),
  };
}

export interface MmdbOptions {
  /**
   * Search-tree chunks (NODES_PER_CHUNK nodes each) kept in memory; default 1024 (~1.8 MB with
   * 28-bit records). The bundled IPv4 tree has ~25 000 chunks: for scattered addresses 4096
   * chunks (~7 MB once full) saved only 0.2 reads per lookup (2.61 → 2.42), no measurable CPU.
   */
  treeChunks?: number;
  /** 4 KB data-section blocks kept in memory. */
  dataBlocks?: number;
}

export class MmdbFile {
  readonly metadata: MmdbMetadata;
  private readonly fd: number;
  private readonly nodeBytes: number;
  private readonly dataStart: number;
  private readonly fileSize: number;
  private readonly tree: Lru<Buffer>;
  private readonly data: Lru<Buffer>;
  /** Node where IPv4 addresses start in an IPv6 tree (after 96 zero bits). */
  private ipv4Start = -1;
  /**
   * Node (or record) reached after the first PREFIX_BITS bits of an address, per address family,
   * filled as addresses come: the top of the tree is walked once per prefix, not per lookup.
   * -1 = not known yet. Each table (512 KB) is made on the first address of its family: the
   * bundled IPv4 and IPv6 files each only ever see one.
   */
  private readonly prefixes: { 4?: Float64Array; 16?: Float64Array } = {};
  /**
   * IPv4 /24 networks → the node (or record) reached after their 24 bits. Below the 16-bit prefix
   * tables the tree is too large to keep (42 MB for the bundled IPv4 file) and a walk through it
   * read several chunks from disk for each new address; clients come from a limited set of
   * networks, so remembering where each network's walk ends makes a repeat a map lookup plus the
   * last 8 levels. Bounded, first in first out (~5 MB when full).
   */
  private readonly v4Networks = new Map<number, number>();
  /** Counters for the microbenchmark: positioned reads done. */
  reads = 0;

  constructor(path: string, opts: MmdbOptions = {}) {
    this.fd = openSync(path, 'r');
    try {
      this.fileSize = fstatSync(this.fd).size;
      const tailSize = Math.min(METADATA_MAX, this.fileSize);
      const tail = Buffer.alloc(tailSize);
      readSync(this.fd, tail, 0, tailSize, this.fileSize - tailSize);
      const marker = tail.lastIndexOf(METADATA_MARKER);
      if (marker < 0) throw new MmdbFormatError('not a MaxMind DB file (no metadata marker)');
      const base = marker + METADATA_MARKER.length;
      const at: At = (off, len) => {
        if (base + off + len > tail.length) throw new MmdbFormatError('metadata runs past the end of the file');
        return [tail.subarray(base), off];
      };
      const meta = new Decoder(at).decode(0);
      if (typeof meta !== 'object' || meta === null) throw new MmdbFormatError('metadata is not a map');
      this.metadata = metadataOf(meta as Record<string, unknown>);
    } catch (err) {
      closeSync(this.fd);
      throw err;
    }
    this.nodeBytes = this.metadata.recordSize / 4;
    this.dataStart = this.metadata.nodeCount * this.nodeBytes + 16;
    this.tree = new Lru(opts.treeChunks ?? 1024);
    this.data = new Lru(opts.dataBlocks ?? 512);
  }

  close(): void {
    closeSync(this.fd);
  }

  /**
   * `length` bytes at `position`, into `into` when given. Cache misses reuse the evicted entry's
   * buffer: with a fresh buffer per miss, cold lookups made megabytes of garbage per second,
   * which V8 collects late (external memory) and the RSS showed. allocUnsafeSlow: a pooled slice
   * would pin its whole 8 KB pool slab while cached.
   */
  private read(length: number, position: number, into?: Buffer): Buffer {
    const buf = into ?? Buffer.allocUnsafeSlow(length);
    const n = readSync(this.fd, buf, 0, length, position);
    this.reads++;
    if (n < length) buf.fill(0, n);
    return buf;
  }

  /** The chunk of the search tree holding node chunkNo × NODES_PER_CHUNK onwards. */
  private chunk(chunkNo: number): Buffer {
    let chunk = this.tree.get(chunkNo);
    if (!chunk) {
      const size = NODES_PER_CHUNK * this.nodeBytes;
      chunk = this.read(size, chunkNo * size, this.tree.evict());
      this.tree.set(chunkNo, chunk);
    }
    return chunk;
  }

  /** Record `bit` (0 left, 1 right) of the node at byte `p` of a chunk. */
  private record(chunk: Buffer, p: number, bit: number): number {
    switch (this.metadata.recordSize) {
      case 24:
        p += bit * 3;
        return chunk[p] * 65536 + chunk[p + 1] * 256 + chunk[p + 2];
      case 28:
        return bit
          ? (chunk[p + 3] & 0x0f) * 16777216 + chunk[p + 4] * 65536 + chunk[p + 5] * 256 + chunk[p + 6]
          : (chunk[p + 3] >> 4) * 16777216 + chunk[p] * 65536 + chunk[p + 1] * 256 + chunk[p + 2];
      default:
        return chunk.readUInt32BE(p + bit * 4);
    }
  }

  /** Follow bits [from, to) of `address` from `node`; consecutive nodes in one chunk cost no cache look-up. */
  private walk(node: number, address: Uint8Array, from: number, to: number): number {
    const { nodeCount } = this.metadata;
    let chunkNo = -1;
    let chunk: Buffer = Buffer.alloc(0);
    for (let i = from; i < to && node < nodeCount; i++) {
      const c = Math.floor(node / NODES_PER_CHUNK);
      if (c !== chunkNo) {
        chunkNo = c;
        chunk = this.chunk(c);
      }
      const bit = address.length ? (address[i >> 3] >> (7 - (i & 7))) & 1 : 0;
      node = this.record(chunk, (node - c * NODES_PER_CHUNK) * this.nodeBytes, bit);
    }
    return node;
  }

  private startNode(bytes: number): number {
    if (bytes === 16 || this.metadata.ipVersion === 4) return 0;
    // an empty address walks left (zero bits) all the way
    if (this.ipv4Start < 0) this.ipv4Start = this.walk(0, new Uint8Array(0), 0, 96);
    return this.ipv4Start;
  }

  /**
   * The data-section offset of the record for an address (4 or 16 bytes), or null when the
   * database has none. An IPv6 address in an IPv4 database has none.
   */
  find(address: Uint8Array): number | null {
    if (address.length === 16 && this.metadata.ipVersion === 4) return null;
    const { nodeCount } = this.metadata;
    const family = address.length as 4 | 16;
    let table = this.prefixes[family];
    if (!table) {
      table = new Float64Array(1 << PREFIX_BITS).fill(-1);
      this.prefixes[family] = table;
    }
    const prefix = address[0] * 256 + address[1];
    let node = table[prefix];
    if (node < 0) {
      node = this.walk(this.startNode(address.length), address, 0, PREFIX_BITS);
      table[prefix] = node;
    }
    let from = PREFIX_BITS;
    if (address.length === 4 && node < nodeCount) {
      const network = prefix * 256 + address[2];
      const known = this.v4Networks.get(network);
      if (known === undefined) {
        node = this.walk(node, address, PREFIX_BITS, V4_NETWORK_BITS);
        if (this.v4Networks.size >= V4_NETWORKS_CACHED) this.v4Networks.delete(this.v4Networks.keys().next().value as number);
        this.v4Networks.set(network, node);
      } else {
        node = known;
      }
      from = V4_NETWORK_BITS;
    }
    node = this.walk(node, address, from, address.length * 8);
    if (node <= nodeCount) return null;
    const offset = node - nodeCount - 16;
    if (this.dataStart + offset >= this.fileSize) throw new MmdbFormatError('record pointer past the end of the file');
    return offset;
  }

  /** Bytes of the data section, from the block cache when they sit in one block. */
  private readonly at: At = (offset, length) => {
    const abs = this.dataStart + offset;
    const blockNo = Math.floor(abs / DATA_BLOCK);
    if (abs + length <= (blockNo + 1) * DATA_BLOCK) {
      let block = this.data.get(blockNo);
      if (!block) {
        block = this.read(DATA_BLOCK, blockNo * DATA_BLOCK, this.data.evict());
        this.data.set(blockNo, block);
      }
      return [block, abs - blockNo * DATA_BLOCK];
    }
    return [this.read(length, abs), 0];
  };

  private readonly decoder = new Decoder(this.at);

  /** The value stored at a data-section offset (as returned by find). */
  decode(offset: number): unknown {
    return this.decoder.decode(offset);
  }
}

/**
 * Dotted-quad IPv4 → 4 bytes in one pass, or null; as strict as net.isIPv4 (no leading zeros,
 * no spaces), which it replaces on the lookup path.
 */
export function ipv4Bytes(text: string): Uint8Array | null {
  const out = new Uint8Array(4);
  let part = 0;
  let n = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) {
      if (digits === 1 && n === 0) return null;
      n = n * 10 + (c - 48);
      if (++digits > 3 || n > 255) return null;
    } else if (c === 46) {
      if (digits === 0 || part > 3) return null;
      out[part++] = n;
      n = 0;
      digits = 0;
    } else {
      return null;
    }
  }
  return part === 4 ? out : null;
}

/** An IP address in text form → 4 or 16 bytes; null when it is not one. */
export function addressBytes(text: string, family: 4 | 6): Uint8Array | null {
  if (family === 4) return ipv4Bytes(text);
  // Canonical form only (hex groups, one "::"): callers canonicalise with the URL parser first.
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const groups = [...head, ...new Array<string>(missing).fill('0'), ...tail];
  const out = new Uint8Array(16);
  for (let g = 0; g < 8; g++) {
    const n = Number.parseInt(groups[g], 16);
    if (!/^[0-9a-f]{1,4}$/i.test(groups[g]) || Number.isNaN(n)) return null;
    out[g * 2] = n >> 8;
    out[g * 2 + 1] = n & 255;
  }
  return out;
}
