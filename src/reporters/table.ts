/**
 * A plain-text table: columns as wide as their widest cell, two spaces apart, no trailing
 * spaces. The first row is the header.
 * @example renderTable([['TOOL', 'CALLS'], ['search', '12']], { alignRight: [1] })
 * // 'TOOL    CALLS\nsearch     12\n'
 */
export function renderTable(rows: readonly (readonly string[])[], options: { alignRight?: readonly number[] } = {}): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const right = new Set(options.alignRight ?? []);
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, column) => (right.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}
