export interface Table {
  title: string
  /** Header of the first column (default "server"). */
  firstColumn?: string
  /** Column headers after "server". */
  columns: string[]
  rows: { server: string; cells: string[] }[]
  notes: string[]
}

/** Prints a plain-text table: a title, aligned columns, then notes (targets, what was measured). */
export function printTable(table: Table): void {
  const header = [table.firstColumn ?? 'server', ...table.columns]
  const lines = [header, ...table.rows.map((r) => [r.server, ...r.cells])]
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)))
  const render = (l: string[]) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')
  console.log(`\n## ${table.title}\n`)
  console.log(render(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
  for (const l of lines.slice(1)) {
    // A failure is one long cell: do not stretch the table for it.
    console.log(l.length === 2 && l[1]!.startsWith('failed:') ? `${l[0]!.padEnd(widths[0]!)} | ${l[1]}` : render(l))
  }
  for (const note of table.notes) console.log(`  ${note}`)
}
