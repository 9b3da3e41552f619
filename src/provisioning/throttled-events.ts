/**
 * Events about one key — a source, or a source and the MAC it claims — that can arrive by the thousand (connections
 * shed at a cap, PROXY headers refused, shared files naming a MAC): at most one per key and interval, carrying how many
 * were suppressed since the last one. The keys remembered are bounded, oldest forgotten first, so a flood from many
 * addresses cannot grow it.
 */
export function throttledBySource<Why>(
  emit: (key: string, detail: string, why: Why) => void,
  describe: (why: Why, suppressed: number) => string,
  opts: { everyMs?: number; maxSources?: number; now?: () => number } = {},
): (key: string, why: Why) => void {
  const { everyMs = 60_000, maxSources = 10_000, now = Date.now } = opts;
  const last = new Map<string, { at: number; since: number }>();
  return (key, why) => {
    const seen = last.get(key);
    const t = now();
    if (seen && t - seen.at < everyMs) {
      seen.since++;
      return;
    }
    last.delete(key);
    if (last.size >= maxSources) last.delete(last.keys().next().value!);
    last.set(key, { at: t, since: 0 });
    emit(key, describe(why, seen?.since ?? 0), why);
  };
}
