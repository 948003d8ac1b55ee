import { ms, percentile, ratio } from '../lib/format.ts'
import type { ServerKind } from '../servers/kinds.ts'
import type { Table } from '../table.ts'
import type { Outcome } from './measurement.ts'
import type { PropagationResult } from './propagation.ts'

interface Kinds {
  full: ServerKind
  normal: ServerKind
  plain: ServerKind
}

/** What fsyncing every acknowledged write costs the sync path: the latency tables' rows for ours
 *  with `synchronous = FULL` (what ships) and `NORMAL` (before), each against the plain server,
 *  all from the same interleaved rounds. */
export function durabilityTable(runs: { title: string; outcomes: Map<ServerKind, Outcome<PropagationResult>> }[], kinds: Kinds): Table {
  const rows = runs.map(({ title, outcomes }) => {
    const p99 = (kind: ServerKind): number | null => {
      const o = outcomes.get(kind)
      return o?.ok ? percentile(o.result.samples, 99) : null
    }
    const [full, normal, plain] = [p99(kinds.full), p99(kinds.normal), p99(kinds.plain)]
    const show = (v: number | null) => (v === null ? 'failed' : ms(v))
    return {
      server: title.replace(/^Update propagation latency, one room, /, ''),
      cells: [show(full), show(normal), show(plain), ratio(full, plain), ratio(normal, plain), ratio(full, normal)],
    }
  })
  return {
    title: 'Sync ratio with synchronous=FULL vs NORMAL (the cost of acknowledged = on disk)',
    columns: ['p99 FULL', 'p99 NORMAL', 'p99 plain', 'FULL vs plain', 'NORMAL vs plain', 'FULL vs NORMAL'],
    rows,
    notes: [
      'From the two latency tables above (same run, same rounds). FULL fsyncs the WAL at every commit, so an',
      'update is on disk before it is forwarded or acknowledged; NORMAL could lose the last commits on power loss.',
      'The first column names the case, not a server.',
    ],
  }
}
