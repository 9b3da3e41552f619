import { describe, expect, it } from 'vitest';
import { resolveTargets, tokenize } from '../../src/auditor/targets.js';
import type { GhostguardError } from '../../src/model/errors.js';

const all = async (specs: string[], opts = {}) => [...(await resolveTargets(specs, opts))];

async function error(specs: string[], opts = {}): Promise<GhostguardError> {
  try {
    await resolveTargets(specs, opts);
  } catch (err) {
    return err as GhostguardError;
  }
  throw new Error('expected an error');
}

describe('targets', () => {
  it('expands CIDR without network and broadcast, ranges, short ranges and singles', async () => {
    expect(await all(['127.77.0.0/30'])).toEqual(['127.77.0.1', '127.77.0.2']);
    expect(await all(['127.77.0.8/31'])).toEqual(['127.77.0.8', '127.77.0.9']);
    expect(await all(['127.77.0.1-127.77.0.3'])).toEqual(['127.77.0.1', '127.77.0.2', '127.77.0.3']);
    expect(await all(['127.77.0.250-252'])).toEqual(['127.77.0.250', '127.77.0.251', '127.77.0.252']);
    expect(await all(['127.77.0.5'])).toEqual(['127.77.0.5']);
    expect(await all(['::1'])).toEqual(['::1']);
  });

  it('merges overlaps, applies --exclude and keeps order', async () => {
    const hosts = await all(['127.77.0.1-127.77.0.6', '127.77.0.4-127.77.0.8,127.77.0.2'], {
      exclude: ['127.77.0.3-127.77.0.5', '127.77.0.8'],
    });
    expect(hosts).toEqual(['127.77.0.1', '127.77.0.2', '127.77.0.6', '127.77.0.7']);
  });

  it('reads @file lists with comments and refuses nested files', async () => {
    const files: Record<string, string> = { 'a.txt': '# lab\n127.77.0.1\n127.77.0.2 # second\n', 'b.txt': '@a.txt' };
    const readFile = (p: string) =>
      files[p] ??
      (() => {
        throw new Error('ENOENT');
      })();
    expect(await all(['@a.txt'], { readFile })).toEqual(['127.77.0.1', '127.77.0.2']);
    expect((await error(['@b.txt'], { readFile })).code).toBe('GG_ERR_TARGET_INVALID');
    const missing = await error(['@nope.txt'], { readFile });
    expect(missing.message).toContain('@nope.txt');
  });

  it('names the bad token in a clear error', async () => {
    for (const bad of ['127.77.0.300', '127.77.0.0/33', '127.77.0.9-127.77.0.1', '127.77.0.1-::1', 'bad_host!', '127.0.0.1-300']) {
      const err = await error(['127.77.0.1', bad]);
      expect(err.code, bad).toBe('GG_ERR_TARGET_INVALID');
      expect(err.message, bad).toContain(`"${bad}"`);
    }
    expect((await error([])).message).toMatch(/no default target/);
  });

  it('refuses more than 65,536 hosts unless --max-hosts is raised; a /16 is fine', async () => {
    const set = await resolveTargets(['127.77.0.0/16']);
    expect(set.count).toBe(65_534);
    const err = await error(['127.76.0.0/15']);
    expect(err.code).toBe('GG_ERR_TARGET_TOO_MANY');
    expect(err.message).toMatch(/--max-hosts/);
    expect((await resolveTargets(['127.76.0.0/15'], { maxHosts: 200_000 })).count).toBe(131_070);
    expect((await error(['::/64'])).code).toBe('GG_ERR_TARGET_TOO_MANY');
  });

  it('iterates lazily: memory stays flat from /24 to /16', async () => {
    const set = await resolveTargets(['127.77.0.0/16']);
    const it1 = set[Symbol.iterator]();
    expect(it1.next().value).toBe('127.77.0.1');
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let n = 0;
    let last = '';
    for (const h of set) {
      n++;
      last = h;
    }
    const grown = process.memoryUsage().heapUsed - before;
    expect(n).toBe(65_534);
    expect(last).toBe('127.77.255.254');
    // a materialised list of 65k strings would hold several MB; the walk holds one address at a time
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  });

  it('resolves hostnames through the injected resolver and labels them', async () => {
    const set = await resolveTargets(['phone-1.lab'], { resolveHost: async () => ['127.77.0.9'] });
    expect([...set]).toEqual(['127.77.0.9']);
    expect(set.labels.get('127.77.0.9')).toBe('phone-1.lab');
    const err = await error(['ghost.lab'], {
      resolveHost: async () => {
        throw new Error('ENOTFOUND');
      },
    });
    expect(err.message).toContain('ghost.lab');
  });

  it('enforces allowed ranges when given', async () => {
    expect((await resolveTargets(['127.77.0.0/24'], { allowed: ['127.0.0.0/8'] })).count).toBe(254);
    const err = await error(['127.78.0.1'], { allowed: ['127.77.0.0/16'] });
    expect(err.code).toBe('GG_ERR_TARGET_FORBIDDEN');
    expect(err.message).toContain('127.78.0.1');
  });

  it('tokenizes commas and whitespace', () => {
    expect(tokenize(['a, b', 'c\td'])).toEqual(['a', 'b', 'c', 'd']);
  });
});
