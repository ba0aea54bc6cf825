/** Wraps text in a colour, or returns it as is. */
export type Style = (text: string) => string;

/** The styles the renderers use. */
export interface Styles {
  readonly ok: Style;
  readonly bad: Style;
  readonly busy: Style;
  readonly dim: Style;
  readonly bold: Style;
}

const sgr =
  (open: number, close: number): Style =>
  (text) =>
    text === '' ? text : `\x1b[${open}m${text}\x1b[${close}m`;

const plain: Style = (text) => text;

/** Colour codes when `color` is true; identity functions otherwise (non-TTY, `NO_COLOR`). */
export function styles(color: boolean): Styles {
  if (!color) return { ok: plain, bad: plain, busy: plain, dim: plain, bold: plain };
  return { ok: sgr(32, 39), bad: sgr(31, 39), busy: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}
