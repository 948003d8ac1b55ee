import { ms, percentile, ratio } from '../lib/format.ts'
import type { ServerKind } from '../servers/kinds.ts'
import type { Table } from '../table.ts'
import type { Outcome } from './measurement.ts'
import type { PropagationResult } from './propagation.ts'

interface Kinds {
  shipped: ServerKind
  full: ServerKind
  plain: ServerKind
}

/** What acknowledged-means-on-disk costs the sync path: the latency tables' rows for ours as shipped
 *  (NORMAL + group commit: rooms never wait for the disk) and with `synchronous = FULL` (an fsync in
 *  every commit, on the event loop), each against the plain server, from the same interleaved rounds. */
export function durabilityTable(runs: { title: string; outcomes: Map<ServerKind, Outcome<PropagationResult>> }[], kinds: Kinds): Table {
  const rows = runs.map(({ title, outcomes }) => {
    const at = (kind: ServerKind, p: number): number | null => {
      const o = outcomes.get(kind)
      return o?.ok ? percentile(o.result.samples, p) : null
    }
    const [shipped, full, plain] = [at(kinds.shipped, 99), at(kinds.full, 99), at(kinds.plain, 99)]
    const show = (v: number | null) => (v === null ? 'failed' : ms(v))
    return {
      server: title.replace(/^Update propagation latency, one room, /, ''),
      cells: [
        show(at(kinds.shipped, 50)),
        show(at(kinds.full, 50)),
        show(shipped),
        show(full),
        show(plain),
        ratio(shipped, plain),
        ratio(full, plain),
        ratio(at(kinds.full, 50), at(kinds.shipped, 50)),
      ],
    }
  })
  return {
    title: 'Sync ratio with the durability setting: group commit (shipped) vs synchronous=FULL',
    firstColumn: 'case (from the tables above)',
    columns: ['p50 group commit', 'p50 FULL', 'p99 group commit', 'p99 FULL', 'p99 plain', 'p99 group commit vs plain', 'p99 FULL vs plain', 'p50 FULL vs group commit'],
    rows,
    notes: [
      'From the two latency tables above (same run, same rounds). Group commit: SQLite NORMAL, and every 2xx to a change',
      'and every SMTP 250 waits for one shared fsync of the WAL, off the event loop; room updates are forwarded at once',
      '(the writing device keeps its edit until the bulk push, which is acknowledged on disk). FULL: an fsync inside',
      'every commit, on the event loop. Before either, NORMAL alone could lose acknowledged writes on power loss.',
    ],
  }
}
