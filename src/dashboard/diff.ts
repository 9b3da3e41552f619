/** Line diff (longest common subsequence) grouped into hunks with context, for config files of a few hundred lines. */

export interface DiffLine {
  op: ' ' | '+' | '-';
  text: string;
}

export interface DiffResult {
  /** hunks of changed lines with context; empty when identical */
  hunks: DiffLine[][];
  added: number;
  removed: number;
  /** set when the inputs are too large for a line-by-line diff */
  tooLarge?: boolean;
}

const MAX_CELLS = 4_000_000;

export function diffLines(before: string, after: string, context = 3): DiffResult {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  if (a.length * b.length > MAX_CELLS) return { hunks: [], added: 0, removed: 0, tooLarge: true };
  // lcs[i][j] = length of the LCS of a[i..] and b[j..], in one flat array
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ op: ' ', text: a[i]! });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
      lines.push({ op: '-', text: a[i]! });
      i++;
    } else {
      lines.push({ op: '+', text: b[j]! });
      j++;
    }
  }
  const added = lines.filter((l) => l.op === '+').length;
  const removed = lines.filter((l) => l.op === '-').length;
  return { hunks: hunksOf(lines, context), added, removed };
}

function hunksOf(lines: DiffLine[], context: number): DiffLine[][] {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((l, k) => {
    if (l.op === ' ') return;
    for (let x = Math.max(0, k - context); x <= Math.min(lines.length - 1, k + context); x++) keep[x] = true;
  });
  const hunks: DiffLine[][] = [];
  let current: DiffLine[] | undefined;
  lines.forEach((l, k) => {
    if (!keep[k]) {
      current = undefined;
      return;
    }
    if (!current) {
      current = [];
      hunks.push(current);
    }
    current.push(l);
  });
  return hunks;
}
