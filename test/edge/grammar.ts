/**
 * Line grammars for the two formats no Debian tool can check: pf (pf.conf(5) subset: macros, tables, filter rules)
 * and RouterOS scripts (`/ip[v6] firewall address-list|filter|service-port` commands). Each returns the problems
 * found, with line numbers; an empty list means every line parsed.
 */
import { isIP } from 'node:net';

const PORT = /^\d{1,5}$/;

function validPort(text: string): boolean {
  return PORT.test(text) && Number(text) >= 1 && Number(text) <= 65535;
}

function validPortItem(text: string, sep: string): boolean {
  const parts = text.split(sep);
  if (parts.length === 1) return validPort(parts[0]!);
  return parts.length === 2 && validPort(parts[0]!) && validPort(parts[1]!) && Number(parts[0]) <= Number(parts[1]);
}

/** address or address/prefix of the given family (any when omitted) */
export function validAddress(text: string, family?: 4 | 6): boolean {
  const [addr, prefix, extra] = text.split('/');
  if (extra !== undefined || !addr) return false;
  const f = isIP(addr);
  if (f === 0 || (family && f !== family)) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (f === 4 ? 32 : 128);
}

/** whitespace tokens; a double-quoted string (no embedded quotes) is one token, quotes kept */
function tokenize(line: string): string[] | undefined {
  const tokens: string[] = [];
  const re = /\s*((?:[^\s"]+|"[^"]*")+)/g;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(line)) !== null) {
    tokens.push(m[1]!);
    end = re.lastIndex;
  }
  return line.slice(end).trim() === '' ? tokens : undefined;
}

// ---------------------------------------------------------------- pf

class PfRule {
  private i = 0;
  constructor(
    private readonly t: string[],
    private readonly macros: Map<string, string>,
    private readonly tables: Set<string>,
  ) {}

  private peek(): string | undefined {
    return this.t[this.i];
  }
  private next(): string | undefined {
    return this.t[this.i++];
  }
  private accept(...words: string[]): string | undefined {
    const w = this.peek();
    if (w !== undefined && words.includes(w)) {
      this.i++;
      return w;
    }
    return undefined;
  }
  private expect(...words: string[]): string {
    const w = this.next();
    if (w === undefined || !words.includes(w)) throw new Error(`expected ${words.join('|')}, got ${w ?? 'end of line'}`);
    return w;
  }

  parse(): void {
    const action = this.expect('pass', 'block');
    if (action === 'block') this.accept('drop', 'return');
    this.accept('in', 'out');
    this.accept('log');
    this.accept('quick');
    if (this.accept('on')) this.ifname();
    this.accept('inet', 'inet6');
    if (this.accept('proto')) this.protoSpec();
    this.expect('from');
    this.host();
    if (this.accept('port')) this.portSpec();
    this.expect('to');
    this.host();
    if (this.accept('port')) this.portSpec();
    while (this.peek() !== undefined) {
      const opt = this.next()!;
      if (opt === 'max-pkt-rate') {
        if (action !== 'pass') throw new Error('max-pkt-rate on a block rule never limits anything');
        if (!/^\d+\/\d+$/.test(this.next() ?? '')) throw new Error('max-pkt-rate needs number/seconds');
      } else if (opt === 'label') {
        if (!/^"[^"]*"$/.test(this.next() ?? '')) throw new Error('label needs a quoted string');
      } else if (opt === 'keep' || opt === 'modulate' || opt === 'synproxy') {
        this.expect('state');
      } else if (opt === 'no') {
        this.expect('state');
      } else if (opt === 'flags') {
        if (!/^[FSRPAUEW]*\/[FSRPAUEW]+$|^any$/.test(this.next() ?? '')) throw new Error('bad flags');
      } else {
        throw new Error(`unknown rule option ${opt}`);
      }
    }
  }

  private ifname(): void {
    if (!/^[a-z]+\d*$|^\$\w+$/.test(this.next() ?? '')) throw new Error('bad interface');
  }

  private protoSpec(): void {
    const names = (w: string | undefined) => w === 'udp' || w === 'tcp';
    if (this.accept('{')) {
      let n = 0;
      while (this.peek() !== '}') {
        const w = this.next()?.replace(/,$/, '');
        if (!names(w)) throw new Error(`bad protocol ${w}`);
        n++;
      }
      this.next();
      if (n === 0) throw new Error('empty protocol list');
    } else if (!names(this.next())) throw new Error('bad protocol');
  }

  private host(): void {
    this.accept('!');
    const w = this.next();
    if (w === undefined) throw new Error('missing host');
    if (w === 'any' || w === 'self') return;
    const table = /^<([A-Za-z0-9_]+)>$/.exec(w);
    if (table) {
      if (!this.tables.has(table[1]!)) throw new Error(`table <${table[1]}> used before it is defined`);
      return;
    }
    if (!validAddress(w)) throw new Error(`bad host ${w}`);
  }

  private portSpec(): void {
    const w = this.next();
    if (w === undefined) throw new Error('missing port');
    if (w.startsWith('$')) {
      const value = this.macros.get(w.slice(1));
      if (value === undefined) throw new Error(`macro ${w} used before it is defined`);
      if (!validPfPortList(value)) throw new Error(`macro ${w} is not a port list`);
      return;
    }
    if (w === '{') {
      const items: string[] = [];
      while (this.peek() !== '}' && this.peek() !== undefined) items.push(this.next()!);
      this.expect('}');
      if (!validPfPortList(`{ ${items.join(' ')} }`)) throw new Error('bad port list');
      return;
    }
    if (!validPortItem(w, ':')) throw new Error(`bad port ${w}`);
  }
}

function validPfPortList(value: string): boolean {
  const m = /^\{ (.+) \}$/.exec(value);
  const items = m ? m[1]!.split(/,\s*|\s+/) : [value];
  return items.length > 0 && items.every((i) => validPortItem(i, ':'));
}

export function checkPfGrammar(text: string): string[] {
  const problems: string[] = [];
  const macros = new Map<string, string>();
  const tables = new Set<string>();
  let rules = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    const at = `line ${index + 1}`;
    if (line === '' || line.startsWith('#')) return;
    if (line.endsWith('\\')) {
      problems.push(`${at}: continuation lines are not expected`);
      return;
    }
    const macro = /^([A-Za-z_][A-Za-z0-9_]*) = "([^"]*)"$/.exec(line);
    if (macro) {
      if (rules > 0) problems.push(`${at}: macro after a rule`);
      macros.set(macro[1]!, macro[2]!);
      return;
    }
    const table = /^table <([A-Za-z0-9_]+)>((?: (?:const|persist|counters))*) \{ (.*) \}$/.exec(line);
    if (table) {
      if (rules > 0) problems.push(`${at}: table after a rule`);
      const items = table[3]!.split(/,\s*/);
      for (const item of items) if (!validAddress(item)) problems.push(`${at}: bad table entry ${item}`);
      tables.add(table[1]!);
      return;
    }
    const tokens = tokenize(line.replace(/([{}])/g, ' $1 '));
    if (!tokens) {
      problems.push(`${at}: unbalanced quotes`);
      return;
    }
    try {
      new PfRule(tokens, macros, tables).parse();
      rules++;
    } catch (err) {
      problems.push(`${at}: ${(err as Error).message}: ${line}`);
    }
  });
  if (rules === 0) problems.push('no filter rule');
  return problems;
}

// ---------------------------------------------------------------- RouterOS

const FILTER_KEYS = new Set([
  'chain',
  'action',
  'protocol',
  'dst-port',
  'src-port',
  'src-address',
  'dst-address',
  'src-address-list',
  'dst-address-list',
  'jump-target',
  'limit',
  'log',
  'log-prefix',
  'comment',
  'connection-state',
  'in-interface',
  'disabled',
]);
const ADDRESS_LIST_KEYS = new Set(['list', 'address', 'comment', 'disabled', 'timeout']);
const ACTIONS = new Set(['accept', 'drop', 'reject', 'jump', 'return', 'log', 'passthrough']);
const NAME = /^[A-Za-z0-9_.-]+$/;

function pairs(tokens: string[]): Map<string, string> | string {
  const out = new Map<string, string>();
  for (const t of tokens) {
    const m = /^([a-z-]+)=(.*)$/.exec(t);
    if (!m) return `not key=value: ${t}`;
    if (out.has(m[1]!)) return `${m[1]} given twice`;
    let value = m[2]!;
    if (value.startsWith('"')) {
      if (!/^"[^"\\$]*"$/.test(value)) return `bad quoted value for ${m[1]}`;
      value = value.slice(1, -1);
    } else if (/["\s\\$[\]]/.test(value)) {
      return `value of ${m[1]} must be quoted`;
    }
    out.set(m[1]!, value);
  }
  return out;
}

export function checkMikrotikGrammar(text: string): string[] {
  const problems: string[] = [];
  let menu: { family: 4 | 6; kind: 'address-list' | 'filter' } | undefined;
  const lists = { 4: new Set<string>(), 6: new Set<string>() };
  const jumpTargets = { 4: new Set<string>(), 6: new Set<string>() };
  const chains = { 4: new Set<string>(), 6: new Set<string>() };
  let serviceAlgOff = false;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    const at = `line ${index + 1}`;
    if (line === '' || line.startsWith('#')) return;
    if (line === '/ip firewall service-port set sip disabled=yes') {
      serviceAlgOff = true;
      return;
    }
    const m = /^\/(ip|ipv6) firewall (address-list|filter)$/.exec(line);
    if (m) {
      menu = { family: m[1] === 'ip' ? 4 : 6, kind: m[2] as 'address-list' | 'filter' };
      return;
    }
    if (!menu) {
      problems.push(`${at}: command outside a menu: ${line}`);
      return;
    }
    const remove = /^remove \[find where ([a-z-]+)(=|~)"([^"\\$]*)"\]$/.exec(line);
    if (remove) {
      const allowed = menu.kind === 'filter' ? FILTER_KEYS : ADDRESS_LIST_KEYS;
      if (!allowed.has(remove[1]!)) problems.push(`${at}: ${remove[1]} is not a property of ${menu.kind}`);
      if (remove[2] === '~') {
        try {
          new RegExp(remove[3]!);
        } catch {
          problems.push(`${at}: bad regular expression`);
        }
      }
      return;
    }
    const tokens = tokenize(line);
    if (tokens?.[0] !== 'add') {
      problems.push(`${at}: unknown command: ${line}`);
      return;
    }
    const kv = pairs(tokens.slice(1));
    if (typeof kv === 'string') {
      problems.push(`${at}: ${kv}`);
      return;
    }
    const allowed = menu.kind === 'filter' ? FILTER_KEYS : ADDRESS_LIST_KEYS;
    for (const k of kv.keys()) if (!allowed.has(k)) problems.push(`${at}: ${k} is not a property of ${menu.kind}`);
    const fam = menu.family;
    if (menu.kind === 'address-list') {
      if (!NAME.test(kv.get('list') ?? '')) problems.push(`${at}: list name missing or invalid`);
      if (!validAddress(kv.get('address') ?? '', fam)) problems.push(`${at}: address is not an IPv${fam} address or network`);
      lists[fam].add(kv.get('list') ?? '');
      return;
    }
    const chain = kv.get('chain');
    const action = kv.get('action');
    if (!chain || !NAME.test(chain)) problems.push(`${at}: chain missing or invalid`);
    else chains[fam].add(chain);
    if (!action || !ACTIONS.has(action)) problems.push(`${at}: action missing or unknown`);
    if (action === 'jump') {
      const target = kv.get('jump-target');
      if (!target || !NAME.test(target)) problems.push(`${at}: jump without jump-target`);
      else jumpTargets[fam].add(target);
    } else if (kv.has('jump-target')) problems.push(`${at}: jump-target without action=jump`);
    const proto = kv.get('protocol');
    if (proto !== undefined && proto !== 'udp' && proto !== 'tcp') problems.push(`${at}: unexpected protocol ${proto}`);
    const dstPort = kv.get('dst-port');
    if (dstPort !== undefined) {
      if (!proto) problems.push(`${at}: dst-port needs protocol`);
      if (!dstPort.split(',').every((p) => validPortItem(p, '-'))) problems.push(`${at}: bad dst-port ${dstPort}`);
    }
    for (const k of ['src-address-list', 'dst-address-list']) {
      const v = kv.get(k)?.replace(/^!/, '');
      if (v !== undefined && !lists[fam].has(v)) problems.push(`${at}: ${k} ${v} has no entries added in this script`);
    }
    const limit = kv.get('limit');
    if (limit !== undefined && !/^\d+(\/\d+[smhd])?,\d+:(packet|bit)$/.test(limit)) problems.push(`${at}: bad limit ${limit}`);
    if (kv.has('log-prefix') && action !== 'log' && kv.get('log') !== 'yes') problems.push(`${at}: log-prefix without logging`);
    if (kv.has('comment') && (kv.get('comment') ?? '').length > 255) problems.push(`${at}: comment too long`);
  });
  for (const fam of [4, 6] as const) {
    for (const t of jumpTargets[fam]) if (!chains[fam].has(t)) problems.push(`IPv${fam}: jump to chain ${t} that has no rules`);
  }
  if (!serviceAlgOff) problems.push('the SIP ALG (service-port sip) is not switched off');
  return problems;
}
