/**
 * A compact set of ids seen in a file, with the row each was first seen at: 12 bytes an id instead of a
 * JavaScript string and map entry (~100 bytes), so a file of millions of orders costs megabytes, not a
 * large part of the heap. Ids are kept as two independent 32-bit hashes; two different ids are taken for
 * one only if both hashes collide (about 1 in 10^8 for a million ids), and then the "rows must stand
 * together" message names the earlier row, where the seller can see that it is another order.
 */
export class IdFingerprints {
  private table: Uint32Array;
  private used = 0;

  constructor(capacity = 1024) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.table = new Uint32Array(size * 3);
  }

  get size(): number {
    return this.used;
  }

  /** The row `id` was first seen at, or undefined. */
  get(id: string): number | undefined {
    const [a, b] = hashes(id);
    const slots = this.table.length / 3;
    for (let i = (a ^ b) & (slots - 1); ; i = (i + 1) & (slots - 1)) {
      const at = i * 3;
      if (this.table[at] === 0) return undefined;
      if (this.table[at] === a && this.table[at + 1] === b) return this.table[at + 2];
    }
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Records `id` at `row` unless it is already there. */
  set(id: string, row: number): void {
    if ((this.used + 1) * 2 > this.table.length / 3) this.grow();
    const [a, b] = hashes(id);
    if (insert(this.table, a, b, row)) this.used++;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    for (let at = 0; at < old.length; at += 3)
      if (old[at] !== 0) insert(this.table, old[at]!, old[at + 1]!, old[at + 2]!);
  }
}

function insert(table: Uint32Array, a: number, b: number, row: number): boolean {
  const slots = table.length / 3;
  for (let i = (a ^ b) & (slots - 1); ; i = (i + 1) & (slots - 1)) {
    const at = i * 3;
    if (table[at] === 0) {
      table[at] = a;
      table[at + 1] = b;
      table[at + 2] = row;
      return true;
    }
    if (table[at] === a && table[at + 1] === b) return false;
  }
}

/** FNV-1a and a multiply-xorshift hash over the UTF-16 code units; the first is never 0 (0 marks a free slot). */
function hashes(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9 ^ id.length;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x85ebca6b);
    b ^= b >>> 13;
  }
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  b ^= b >>> 16;
  a >>>= 0;
  return [a === 0 ? 1 : a, b >>> 0];
}
