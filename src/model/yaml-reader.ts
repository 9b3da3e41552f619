/** Reads a parsed YAML document field by field, collecting issues with their line numbers instead of throwing. */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigIssue } from './config-issues.js';

export type Path = (string | number)[];

export class YamlReader {
  readonly issues: ConfigIssue[] = [];
  private readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(text: string, readonly file: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const err of this.doc.errors) {
      this.issues.push({ file, line: this.lines.linePos(err.pos[0]).line, field: '(syntax)', message: err.message.split('\n')[0]! });
    }
  }

  get ok(): boolean {
    return this.doc.errors.length === 0;
  }

  lineOf(path: Path): number {
    for (let p = path; p.length >= 0; p = p.slice(0, -1)) {
      const node = (p.length === 0 ? this.doc.contents : this.doc.getIn(p, true)) as Node | null | undefined;
      if (node?.range) return this.lines.linePos(node.range[0]).line;
      if (p.length === 0) break;
    }
    return 1;
  }

  report(path: Path, message: string): void {
    this.issues.push({ file: this.file, line: this.lineOf(path), field: fieldName(path), message });
  }

  value(path: Path): unknown {
    const node = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    if (node === undefined || node === null) return undefined;
    if (isScalar(node)) return node.value;
    return (node as Node).toJSON();
  }

  keys(path: Path): string[] {
    const node = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    if (!isMap(node)) return [];
    return node.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key));
  }

  length(path: Path): number {
    const node = this.doc.getIn(path, true);
    return isSeq(node) ? node.items.length : 0;
  }

  isMap(path: Path): boolean {
    return isMap(path.length === 0 ? this.doc.contents : this.doc.getIn(path, true));
  }

  isSeq(path: Path): boolean {
    return isSeq(this.doc.getIn(path, true));
  }

  string(path: Path, required: boolean): string | undefined {
    const v = this.value(path);
    if (v === undefined || v === null || v === '') {
      if (required) this.report(path, 'is required');
      return undefined;
    }
    if (typeof v !== 'string' && typeof v !== 'number') {
      this.report(path, 'must be a text value');
      return undefined;
    }
    return String(v);
  }

  unknownKeys(path: Path, allowed: readonly string[]): void {
    for (const key of this.keys(path)) {
      if (!allowed.includes(key)) this.report([...path, key], `unknown field (expected one of: ${allowed.join(', ')})`);
    }
  }
}

function fieldName(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(root)';
}
