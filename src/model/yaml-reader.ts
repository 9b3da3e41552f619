/**
 * Reads a YAML document field by field, collecting issues with their line numbers instead of throwing.
 * Values come from js-yaml (fast: a 20,000-device inventory loads in well under a second); line numbers come from
 * the `yaml` package's document model, built only when there is something to report.
 */
import { CORE_SCHEMA, load, YAMLException } from 'js-yaml';
import { LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigIssue } from './config-issues.js';

export type Path = (string | number)[];

const isPlainMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class YamlReader {
  readonly issues: ConfigIssue[] = [];
  private readonly data: unknown;
  private readonly syntaxError: boolean = false;
  private positions?: { doc: Document; lines: LineCounter };

  constructor(
    private readonly text: string,
    readonly file: string,
  ) {
    try {
      this.data = load(text, { schema: CORE_SCHEMA, filename: file });
    } catch (err) {
      this.syntaxError = true;
      const mark = err instanceof YAMLException ? err.mark : undefined;
      this.issues.push({
        file,
        line: mark ? mark.line + 1 : 1,
        field: '(syntax)',
        message: err instanceof YAMLException ? err.reason : String(err),
      });
    }
  }

  get ok(): boolean {
    return !this.syntaxError;
  }

  lineOf(path: Path): number {
    this.positions ??= (() => {
      const lines = new LineCounter();
      return { doc: parseDocument(this.text, { lineCounter: lines }), lines };
    })();
    const { doc, lines } = this.positions;
    for (let p = path; ; p = p.slice(0, -1)) {
      const node = (p.length === 0 ? doc.contents : doc.getIn(p, true)) as Node | null | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
      if (p.length === 0) return 1;
    }
  }

  report(path: Path, message: string): void {
    this.issues.push({ file: this.file, line: this.lineOf(path), field: fieldName(path), message });
  }

  value(path: Path): unknown {
    let cur: unknown = this.data;
    for (const key of path) {
      if (Array.isArray(cur) && typeof key === 'number') cur = cur[key];
      else if (isPlainMap(cur) && typeof key === 'string' && Object.hasOwn(cur, key)) cur = cur[key];
      else return undefined;
    }
    return cur ?? undefined;
  }

  keys(path: Path): string[] {
    const v = this.value(path);
    return isPlainMap(v) ? Object.keys(v) : [];
  }

  length(path: Path): number {
    const v = this.value(path);
    return Array.isArray(v) ? v.length : 0;
  }

  isMap(path: Path): boolean {
    return isPlainMap(this.value(path));
  }

  isSeq(path: Path): boolean {
    return Array.isArray(this.value(path));
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

  /**
   * Every text value (and map key) holding a control character — a newline, a tab, NUL, DEL, C1 — reported where it
   * is. Each text may end up in a phone's config file, whose formats (key = value lines, XML) cannot carry them.
   */
  refuseControlCharacters(): void {
    const walk = (v: unknown, path: Path): void => {
      if (typeof v === 'string') {
        const m = CONTROL.exec(v);
        if (m)
          this.report(
            path,
            `contains a control character (U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}${NAMES[m[0]] ? `, ${NAMES[m[0]]}` : ''}); phone config files cannot carry it`,
          );
      } else if (Array.isArray(v)) {
        v.forEach((item, i) => {
          walk(item, [...path, i]);
        });
      } else if (isPlainMap(v)) {
        for (const [key, item] of Object.entries(v)) {
          if (CONTROL.test(key)) this.report(path, `the key "${key.replace(CONTROL_ALL, '?')}" contains a control character`);
          else walk(item, [...path, key]);
        }
      }
    };
    walk(this.data, []);
  }

  unknownKeys(path: Path, allowed: readonly string[]): void {
    for (const key of this.keys(path)) {
      if (!allowed.includes(key)) this.report([...path, key], `unknown field (expected one of: ${allowed.join(', ')})`);
    }
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMES: Record<string, string> = { '\n': 'a line break', '\r': 'a carriage return', '\t': 'a tab', '\u0000': 'NUL' };

export function fieldName(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(root)';
}
