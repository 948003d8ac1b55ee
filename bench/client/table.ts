// The server tables' look (bench/table.ts), with a first column of our own: these rows are
// measurements of one app, not servers.
export interface ClientTable {
  title: string
  columns: string[]
  rows: string[][]
  notes: string[]
}

export function printClientTable(table: ClientTable): void {
  const lines = [table.columns, ...table.rows]
  const widths = table.columns.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)))
  const render = (l: string[]) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')
  console.log(`\n## ${table.title}\n`)
  console.log(render(table.columns))
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
  for (const l of table.rows) console.log(l.length === 2 && l[1]!.startsWith('failed:') ? `${l[0]!.padEnd(widths[0]!)} | ${l[1]}` : render(l))
  for (const note of table.notes) console.log(`  ${note}`)
}
