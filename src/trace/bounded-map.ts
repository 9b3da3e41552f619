/** Per-key state in bounded memory: the analysis keeps at most a fixed number of sources, pairs and so on. */

/** The entry for `key`, created on first use; undefined (nothing stored) when the map already holds `cap` entries. */
export function boundedEntry<K, V>(map: Map<K, V>, key: K, cap: number, create: () => V): V | undefined {
  let entry = map.get(key);
  if (entry === undefined) {
    if (map.size >= cap) return undefined;
    entry = create();
    map.set(key, entry);
  }
  return entry;
}
