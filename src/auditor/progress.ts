/** A progress bar on stderr, only when stderr is a terminal; redrawn at most ten times a second. */

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  update(p: { done: number; total: number; phones: number }): void;
  finish(): void;
}

const silent: Progress = { update: () => {}, finish: () => {} };

export function progressBar(stream: ProgressStream, now: () => number = () => Date.now()): Progress {
  if (!stream.isTTY) return silent;
  let last = -Infinity;
  let drawn = false;
  return {
    update({ done, total, phones }) {
      const t = now();
      if (done < total && t - last < 100) return;
      last = t;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 45));
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      const filled = Math.round(ratio * width);
      stream.write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${done}/${total} hosts, ${phones} phones\x1b[K`,
      );
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
