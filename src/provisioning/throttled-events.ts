/**
 * Events about one source that can arrive by the thousand (connections shed at a cap, PROXY headers refused): at most
 * one per source and interval, carrying how many were suppressed since the last one. The sources remembered are bounded,
 * oldest forgotten first, so a flood from many addresses cannot grow it.
 */
export function throttledBySource<Why>(
  emit: (source: string, detail: string, why: Why) => void,
  describe: (why: Why, suppressed: number) => string,
  opts: { everyMs?: number; maxSources?: number; now?: () => number } = {},
): (source: string, why: Why) => void {
  const { everyMs = 60_000, maxSources = 10_000, now = Date.now } = opts;
  const last = new Map<string, { at: number; since: number }>();
  return (source, why) => {
    const seen = last.get(source);
    const t = now();
    if (seen && t - seen.at < everyMs) {
      seen.since++;
      return;
    }
    last.delete(source);
    if (last.size >= maxSources) last.delete(last.keys().next().value!);
    last.set(source, { at: t, since: 0 });
    emit(source, describe(why, seen?.since ?? 0), why);
  };
}
