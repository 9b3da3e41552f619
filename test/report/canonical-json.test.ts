import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/report/canonical-json.js';
import { sampleReport } from './sample-report.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined, ends with one newline', () => {
    const text = canonicalJson({ b: 1, a: { d: [{ z: 1, y: undefined, x: 2 }], c: undefined } });
    expect(text).toBe('{\n  "a": {\n    "d": [\n      {\n        "x": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });

  it('is stable: key order of the input does not matter', () => {
    const report = sampleReport();
    const shuffled = JSON.parse(JSON.stringify(report), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    );
    expect(canonicalJson(shuffled)).toBe(canonicalJson(report));
    expect(JSON.parse(canonicalJson(report))).toEqual(report);
  });

  it('maps, dates and non-finite numbers have a fixed form', () => {
    expect(JSON.parse(canonicalJson({ m: new Map([['k', 1]]), d: new Date(0), n: Number.NaN }))).toEqual({
      d: '1970-01-01T00:00:00.000Z',
      m: { k: 1 },
      n: null,
    });
  });
});
