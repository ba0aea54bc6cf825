import type { Style } from './color.js';

/** One table cell: the text (widths are measured on it) and an optional style applied after padding. */
export interface Cell {
  readonly text: string;
  readonly style?: Style;
}

const GAP = '   ';

/** Column widths that fit the header and every row (at least `minimum`, when given). */
export function columnWidths(header: readonly string[], rows: readonly (readonly Cell[])[], minimum: readonly number[] = []): number[] {
  return header.map((h, i) => Math.max(h.length, minimum[i] ?? 0, ...rows.map((r) => width(r[i]?.text ?? ''))));
}

/** One row, padded to `widths`, styled cell by cell; the last column is not padded. */
export function renderRow(cells: readonly Cell[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => {
      const padded = i === cells.length - 1 ? cell.text : cell.text + ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(cell.text)));
      return cell.style ? cell.style(padded) : padded;
    })
    .join(GAP)
    .trimEnd();
}

/** Header plus rows, aligned like `kubectl get`. */
export function renderTable(header: readonly string[], rows: readonly (readonly Cell[])[], widths = columnWidths(header, rows)): string[] {
  return [renderRow(header.map((text) => ({ text })), widths), ...rows.map((r) => renderRow(r, widths))];
}

/** Display width: code points, which is right for the symbols used here (✓ ✗ … ·). */
function width(text: string): number {
  return [...text].length;
}
