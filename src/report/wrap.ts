/**
 * Word wrap for terminal text: a line longer than the width is broken at spaces (a word longer than a whole line is
 * split), and every continuation line starts at a hanging indent so evidence and fixes stay in their column. The
 * spacing inside a line (table columns) is kept. Nothing is dropped: the pieces hold every word of the line.
 */

const MIN_ROOM = 20;

/** `line` broken into lines of at most `width` characters; continuation lines are indented by `indent` spaces. */
export function wrapLine(line: string, width: number, indent: number): string[] {
  if (line.length <= width) return [line];
  // keep at least MIN_ROOM characters of text on every line, however deep the indent
  const hang = ' '.repeat(Math.max(0, Math.min(indent, width - MIN_ROOM)));
  const out: string[] = [];
  const leading = /^ */.exec(line)![0];
  let current = leading.slice(0, hang.length);
  let blank = true;
  for (const [, gap, word] of line.slice(leading.length).matchAll(/( *)([^ ]+)/g)) {
    let rest = word!;
    if (!blank && current.length + gap!.length + rest.length > width) {
      out.push(current);
      current = hang;
      blank = true;
    }
    if (!blank) current += gap;
    while (current.length + rest.length > width) {
      const take = width - current.length;
      out.push(current + rest.slice(0, take));
      rest = rest.slice(take);
      current = hang;
    }
    current += rest;
    blank = false;
  }
  out.push(current);
  return out;
}
