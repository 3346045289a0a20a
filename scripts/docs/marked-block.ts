/** Where a generated block sits in a Markdown file: between two HTML comments. */
export interface MarkedBlock {
  readonly start: string;
  readonly end: string;
  /** When the file has no block yet, put one right after this heading line (else a missing block is an error). */
  readonly insertAfter?: { readonly heading: string; readonly what: string };
}

/** `text` with the content between `block.start` and `block.end` replaced by `content`. */
export function withMarkedBlock(text: string, block: MarkedBlock, content: string): string {
  const { start, end, insertAfter } = block;
  const missing = () => new Error(`no "${start}" … "${end}" block to fill`);
  const from = text.indexOf(start);
  if (from < 0) {
    if (!insertAfter) throw missing();
    const heading = text.indexOf(`${insertAfter.heading}\n`);
    if (heading < 0) throw new Error(`no "${insertAfter.heading}" section to put ${insertAfter.what} in`);
    const at = heading + insertAfter.heading.length + 1;
    return `${text.slice(0, at)}\n${start}\n${content}\n${end}\n${text.slice(at)}`;
  }
  const to = text.indexOf(end, from);
  if (to < 0) throw insertAfter ? new Error(`"${start}" without "${end}"`) : missing();
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}
