/** The file name a phone's request names: the plain one-segment path phones send and every other shape give the same answers. */
import { describe, expect, it } from 'vitest';
import { fileNameFromUrl } from '../../src/provisioning/request-checks.js';

describe('fileNameFromUrl', () => {
  it.each([
    ['/y000000000000.cfg', 'y000000000000.cfg'],
    ['/001565000701.cfg', '001565000701.cfg'],
    ['/cfg000b82000001.xml', 'cfg000b82000001.xml'],
    ['/phone1-2_3.cfg', 'phone1-2_3.cfg'],
    ['/provisioning/y000000000000.boot', 'y000000000000.boot'],
    ['/y000000000000.cfg?x=1', 'y000000000000.cfg'],
    ['/%79000000000000.cfg', 'y000000000000.cfg'],
    [`/${'a'.repeat(128)}`, 'a'.repeat(128)],
  ])('%s names %s', (url, name) => expect(fileNameFromUrl(url)).toBe(name));

  it.each([
    '/',
    '/.',
    '/..',
    '/a/..',
    '/%2e%2e',
    '/a%00b.cfg',
    '/a b.cfg',
    '/a%5cb.cfg',
    '/%zz',
    `/${'a'.repeat(129)}`,
    `/${'a/'.repeat(300)}b`,
  ])('%s names nothing', (url) => expect(fileNameFromUrl(url)).toBeUndefined());
});
