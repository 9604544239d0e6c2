// The shared-string table of an .xlsx import, kept on disk instead of in memory. A department export writes every
// distinct text once into xl/sharedStrings.xml and cells refer to it by index; a 1,000,000-row list has millions of
// distinct names, 文号 and record ids, which exceljs's own cache holds as JS strings (about 0.3 KB each at its peak:
// 393 MiB for 200,000 rows). Here the strings are appended to a temporary file as UTF-8, and the start of each goes
// into a second file of 8-byte offsets, so memory is one write buffer per file plus a small cache of blocks, whatever
// the row count.
//
// Why synchronous I/O: exceljs adds to its table with a plain `push` and looks a cell up with a plain `table[i]`, both
// inside its parser's event handlers, so neither can wait. The cost is bounded and small: a write is one 1 MiB
// chunk to a local temporary file (about 160 of them for a 1,000,000-row sheet), a read is one 32 KiB block. A sheet
// refers to its strings roughly in the order they were first written (that is how the table is built) and the strings
// every row repeats (名单, 主体类型) stay in the hot blocks, so nearly every lookup is a cache hit.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BLOCK = 32 * 1024;
const WRITE_CHUNK = 1024 * 1024;
const OFFSET_BYTES = 8;

/** A file read in fixed blocks through a small LRU cache (a Map keeps insertion order; a hit is moved to the end). */
class BlockCache {
  private readonly blocks = new Map<number, Buffer>();
  constructor(
    private readonly fd: number,
    private readonly size: () => number,
    private readonly capacity: number,
  ) {}

  read(pos: number, len: number): Buffer {
    const n = Math.floor(pos / BLOCK);
    if (Math.floor((pos + len - 1) / BLOCK) !== n) {
      // Across a block boundary (rare: strings are short): read exactly that, uncached.
      const buf = Buffer.alloc(len);
      readSync(this.fd, buf, 0, len, pos);
      return buf;
    }
    let block = this.blocks.get(n);
    if (block) this.blocks.delete(n);
    else {
      block = Buffer.alloc(Math.min(BLOCK, this.size() - n * BLOCK));
      readSync(this.fd, block, 0, block.length, n * BLOCK);
      if (this.blocks.size >= this.capacity) this.blocks.delete(this.blocks.keys().next().value!);
    }
    this.blocks.set(n, block);
    return block.subarray(pos - n * BLOCK, pos - n * BLOCK + len);
  }
}

/** An append-only file written in 1 MiB chunks. */
class ChunkWriter {
  size = 0;
  private buf = Buffer.alloc(WRITE_CHUNK);
  private used = 0;
  constructor(readonly fd: number) {}

  /** The position the next byte will have. */
  get end(): number {
    return this.size + this.used;
  }

  write(bytes: Buffer) {
    if (this.used + bytes.length > this.buf.length) this.flush();
    if (bytes.length > this.buf.length) {
      writeSync(this.fd, bytes, 0, bytes.length, this.size);
      this.size += bytes.length;
      return;
    }
    bytes.copy(this.buf, this.used);
    this.used += bytes.length;
  }

  flush() {
    if (this.used) writeSync(this.fd, this.buf, 0, this.used, this.size);
    this.size += this.used;
    this.used = 0;
  }

  /** Flushes and lets the buffer go: nothing is written after this. */
  seal() {
    this.flush();
    this.buf = Buffer.alloc(0);
  }
}

export class SpilledStrings {
  private count = 0;
  private sealed = false;
  private closed = false;
  private readonly data: ChunkWriter;
  private readonly offsets: ChunkWriter;
  private readonly dataCache: BlockCache;
  private readonly offsetCache: BlockCache;
  private readonly offsetBytes = Buffer.alloc(OFFSET_BYTES);

  private constructor(readonly path: string) {
    // Opened one after the other so a failure closes what was opened before (the directory goes with close()).
    this.data = new ChunkWriter(openSync(join(path, 'strings'), 'w+'));
    try {
      this.offsets = new ChunkWriter(openSync(join(path, 'offsets'), 'w+'));
    } catch (err) {
      closeSync(this.data.fd);
      throw err;
    }
    this.dataCache = new BlockCache(this.data.fd, () => this.data.size, 128); // 4 MiB
    this.offsetCache = new BlockCache(this.offsets.fd, () => this.offsets.size, 32); // 1 MiB: 131,072 offsets
  }

  /** A new, empty table in a directory of its own under the system's temporary directory (TMPDIR). */
  static create(): SpilledStrings {
    const dir = mkdtempSync(join(tmpdir(), 'yingcha-xlsx-'));
    try {
      return new SpilledStrings(dir);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  get size(): number {
    return this.count;
  }

  /** Appends the next string (its index is the number added before it). */
  add(text: string): void {
    if (this.sealed) throw new Error('the shared-string table is already being read');
    this.pushOffset(this.data.end);
    this.data.write(Buffer.from(text, 'utf8'));
    this.count++;
  }

  /** The string at `index`; undefined for an index the table does not have (a cell pointing past its end). */
  get(index: number): string | undefined {
    if (!(Number.isInteger(index) && index >= 0 && index < this.count) || this.closed) return undefined;
    if (!this.sealed) {
      // The first read: the end offset of the last string is written, and everything buffered goes to disk.
      this.sealed = true;
      this.pushOffset(this.data.end);
      this.data.seal();
      this.offsets.seal();
    }
    // Offsets are doubles: exact for any file below 2^53 bytes; one read gives a string's start and its end.
    const at = this.offsetCache.read(index * OFFSET_BYTES, 2 * OFFSET_BYTES);
    const start = at.readDoubleLE(0);
    const len = at.readDoubleLE(OFFSET_BYTES) - start;
    return len === 0 ? '' : this.dataCache.read(start, len).toString('utf8');
  }

  /** Closes both files and removes them with their directory; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fd of [this.data.fd, this.offsets.fd]) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    rmSync(this.path, { recursive: true, force: true });
  }

  private pushOffset(offset: number) {
    this.offsetBytes.writeDoubleLE(offset, 0);
    this.offsets.write(this.offsetBytes);
  }
}
