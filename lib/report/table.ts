/** A column of a text table: its heading and whether numbers align right. */
export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/**
 * Renders rows as a plain-text table with a header rule, columns padded to their widest cell.
 *
 * @example
 * renderTable([{ header: 'REPOSITORY' }, { header: 'IMAGES', align: 'right' }], [['a/b', '3']]);
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (columns[i]?.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Escapes a cell for a Markdown table. */
export function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Renders rows as a GitHub-flavoured Markdown table. */
export function renderMarkdownTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const head = `| ${columns.map((c) => markdownCell(c.header)).join(' | ')} |`;
  const rule = `| ${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`;
  return [head, rule, ...rows.map((r) => `| ${columns.map((_, i) => markdownCell(r[i] ?? '')).join(' | ')} |`)].join('\n');
}

/** The output formats every CLI command offers. */
export const OUTPUT_FORMATS = ['table', 'json', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
