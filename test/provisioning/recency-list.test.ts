/** The connection gate's recency list: order after appends, moves and unlinks at the head, middle and tail. */
import { describe, expect, it } from 'vitest';
import { RecencyList } from '../../src/provisioning/recency-list.js';

interface Item {
  name: string;
  prev?: Item;
  next?: Item;
}

const items = (...names: string[]): Item[] => names.map((name) => ({ name }));
const names = (list: RecencyList<Item>) => [...list].map((i) => i.name);

describe('RecencyList', () => {
  it('keeps append order; moving to the end reorders, moving the tail changes nothing', () => {
    const list = new RecencyList<Item>();
    const [a, b, c] = items('a', 'b', 'c');
    for (const i of [a!, b!, c!]) list.push(i);
    expect(names(list)).toEqual(['a', 'b', 'c']);
    list.moveToEnd(a!);
    expect(names(list)).toEqual(['b', 'c', 'a']);
    list.moveToEnd(c!);
    expect(names(list)).toEqual(['b', 'a', 'c']);
    list.moveToEnd(c!);
    expect(names(list)).toEqual(['b', 'a', 'c']);
    expect(list.size).toBe(3);
  });

  it('unlinks at the head, middle and tail; an unlinked item is no member and can be appended again', () => {
    const list = new RecencyList<Item>();
    const all = items('a', 'b', 'c', 'd', 'e');
    for (const i of all) list.push(i);
    const [a, b, c, d, e] = all as [Item, Item, Item, Item, Item];
    list.unlink(c);
    list.unlink(a);
    list.unlink(e);
    expect(names(list)).toEqual(['b', 'd']);
    expect([a, b, c, d, e].map((i) => list.has(i))).toEqual([false, true, false, true, false]);
    expect(list.size).toBe(2);
    list.unlink(b);
    list.unlink(d);
    expect(names(list)).toEqual([]);
    expect(list.size).toBe(0);
    list.push(c);
    expect(names(list)).toEqual(['c']);
    expect(list.has(c)).toBe(true);
  });

  it('iterates on past an item unlinked while it is visited', () => {
    const list = new RecencyList<Item>();
    for (const i of items('a', 'b', 'c', 'd')) list.push(i);
    const seen: string[] = [];
    for (const i of list) {
      seen.push(i.name);
      if (i.name !== 'c') list.unlink(i);
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
    expect(names(list)).toEqual(['c']);
  });
});
