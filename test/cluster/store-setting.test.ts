/** `server.store`: sqlite or a postgres:// URL whose password is env:NAME, never written in the file. */
import { describe, expect, it } from 'vitest';
import { catalogueOf } from '../../src/model/model-catalogue.js';
import { parseConfig } from '../../src/model/config-parse.js';
import { resolvePostgresUrl } from '../../src/store/postgres-pool.js';
import { VENDORS } from '../../vendors/index.js';

const parse = (store: string) =>
  parseConfig(`server:\n  store: ${JSON.stringify(store)}\ndevices: []\n`, 'ghostguard.yaml', catalogueOf(VENDORS));

describe('server.store', () => {
  it('takes sqlite and postgres URLs, with the password from the environment', () => {
    expect(parse('sqlite').config?.server.store).toBe('sqlite');
    const url = 'postgres://gg:env:GG_DB_PASSWORD@127.132.0.1:5432/ghostguard?sslmode=require';
    expect(parse(url).config?.server.store).toBe(url);
    expect(resolvePostgresUrl(url, { GG_DB_PASSWORD: 'p@ss:word' })).toBe(
      'postgres://gg:p%40ss%3Aword@127.132.0.1:5432/ghostguard?sslmode=require',
    );
  });

  it('refuses a password written in the file, another scheme, and an unset variable', () => {
    expect(
      parse('postgres://gg:hunter2@127.132.0.1/ghostguard')
        .issues.map((i) => i.message)
        .join(),
    ).toContain('env:NAME');
    expect(
      parse('mysql://127.132.0.1/ghostguard')
        .issues.map((i) => i.message)
        .join(),
    ).toContain('sqlite or a postgres:// URL');
    expect(() => resolvePostgresUrl('postgres://gg:env:GG_UNSET_VAR@127.132.0.1/ghostguard', {})).toThrow(/GG_UNSET_VAR is not set/);
  });
});
