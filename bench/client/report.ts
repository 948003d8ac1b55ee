import { count, mib } from '../lib/format.ts'
import type { BootstrapRun } from './bootstrap.ts'
import { type FirstLoad, total, totalWire } from './bundle-size.ts'
import type { FeedReference } from './feed-reference.ts'
import { showSpread, spread, verdict } from './stats.ts'
import type { ClientTable } from './table.ts'
import type { WarmRun } from './warm-paint.ts'

// The device tables: each row a median (min–max) over the runs, the target and the value against it.

export const BOOTSTRAP_TARGET_MS = 5000
export const WARM_TARGET_MS = 300
export const JS_TARGET_BYTES = 200_000

const s = (v: number) => `${(v / 1000).toFixed(2)} s`
const msf = (v: number) => `${Math.round(v)} ms`
const kb = (v: number) => `${(v / 1000).toFixed(1)} KB`
const failedRow = (name: string, reason: string) => [name, `failed: ${reason}`]

/** "messages 21.6 MiB, conversations 14.0 MiB (doc states 6.1 MiB), contacts 1.2 MiB" */
function feedMix(feed: FeedReference): string {
  const states = feed.meanStateBase64 * feed.conversations
  return [...feed.jsonByKind]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, bytes]) => `${kind}s ${mib(bytes)}${kind === 'conversation' ? ` (doc states ${mib(states)})` : ''}`)
    .join(', ')
}

/** "9,100 of 10,060 conversation entries are in pages 31–36 of 36": the last pages holding 90% of them. */
function conversationPages(feed: FeedReference): string {
  const perPage = feed.conversationsPerPage
  const total = perPage.reduce((a, b) => a + b, 0)
  let from = perPage.length
  let late = 0
  while (from > 0 && late < 0.9 * total) late += perPage[--from]!
  return `${count(late)} of ${count(total)} conversation entries are in pages ${from + 1}–${perPage.length} of ${perPage.length}`
}

export function bootstrapTable(runs: BootstrapRun[], feed: FeedReference, failures: string[]): ClientTable {
  const of = (f: (r: BootstrapRun) => number, format: (v: number) => string) => showSpread(spread(runs.map(f)), format)
  const usable = spread(runs.map((r) => r.usableMs))
  const empty = runs.map((r) => r.emptyList).filter((e) => e !== null)
  const rows = runs.length === 0 ? [failedRow('cold bootstrap', failures[0] ?? 'no run')] : [
    ['first rows visible', of((r) => r.firstRowMs, s), '', ''],
    ['usable list: every conversation stored, counts final', of((r) => r.usableMs, s), `≤ ${s(BOOTSTRAP_TARGET_MS)}`, verdict(usable.median, BOOTSTRAP_TARGET_MS)],
    ['history complete (Online, all in IndexedDB)', of((r) => r.completeMs, s), '', ''],
    ['feed pages', of((r) => r.timeline.pages, count), '', ''],
    ['feed over the wire (gzip bodies)', of((r) => r.timeline.wireBytes, mib), '', ''],
    ['feed JSON (decoded)', of((r) => r.timeline.jsonBytes, mib), '', ''],
  ]
  return {
    title: `Cold bootstrap of ${count(feed.conversations)} conversations into a fresh Chromium profile`,
    columns: ['from the Sign in click to', `median (min–max) of ${runs.length}`, 'target', 'vs target'],
    rows,
    notes: [
      `each run: a new persistent profile and browser; the page's clock (performance.now()), from the submit event.`,
      'first rows: a conversation link in the list, rendered with a size (MutationObserver; paint follows within a frame).',
      'status counts final: the last change of the Open/Pending/Snoozed/Resolved counts, read 1.5 s after completion.',
      `catch-up complete: the sync status reads Online without a progress bar, and IndexedDB (inbox-<agentId>) holds`,
      `  ${count(feed.conversations)} conversations with the cursor at seq ${feed.lastSeq}, the feed's count read from Node first.`,
      `target: ≤ ${s(BOOTSTRAP_TARGET_MS)} to a usable list: every conversation in the list with its final counts (the last`,
      '  change of the counts). A new device reads conversations, contacts and canned responses first, then the messages',
      '  below that point in the background ("Loading history…"); a conversation opened before its history arrived',
      '  fetches it at once. History complete is when the status reads Online and everything is on the device.',
      empty.length === 0
        ? 'the list never said "No conversations here." before its first row.'
        : `the list said "No conversations here." at ${showSpread(spread(empty.map((e) => e.atMs)), s)} for ${showSpread(spread(empty.map((e) => e.forMs)), msf)}` +
          ` before its first row, in ${empty.length} of ${runs.length} runs.`,
      `feed: ${count(feed.entries)} entries; JSON: ${feedMix(feed)}.`,
      `  Node alone reads it (fetch with gzip + JSON.parse, page after page) in ${s(feed.ms)}: the server and the wire`,
      '  are not where the time goes.',
      `feed order: ${conversationPages(feed)} (an entry sits at its`,
      "  conversation's last change, after its messages): the list fills near the end; first rows are the early pages' few.",
      ...failures.map((f) => `a run failed: ${f}`),
    ],
  }
}

/** Medians of the phases and of the CPU each process used (the machine has few cores: CPU is the budget). */
export function bootstrapBreakdown(runs: BootstrapRun[], cores: number): ClientTable | null {
  if (runs.length === 0) return null
  const wall = spread(runs.map((r) => r.completeMs)).median
  const row = (name: string, f: (r: BootstrapRun) => number) => {
    const v = spread(runs.map(f)).median
    return [name, s(v), `${((v / wall) * 100).toFixed(0)}%`]
  }
  const labels = [...new Set(runs.flatMap((r) => [...r.cpu.keys()]))]
    .map((label) => ({ label, median: spread(runs.map((r) => r.cpu.get(label) ?? 0)).median }))
    .filter((x) => x.median >= 50)
    .sort((a, b) => b.median - a.median)
  const early = runs.map((r) => r.earlyOnline).filter((e) => e !== null)
  return {
    title: 'Cold bootstrap: where the time goes (medians)',
    columns: ['phase, or CPU of a process', 'time', 'of catch-up wall time'],
    rows: [
      row('click → first /api/feed request (sign-in, workspace, Dexie open, feed socket)', (r) => r.timeline.beforeFirstRequestMs),
      row('feed requests in flight (union)', (r) => r.timeline.inFlightMs),
      row('  of which server wait (sum of request → first byte)', (r) => r.timeline.serverWaitMs),
      row('no feed request in flight (page parsing, storing)', (r) => r.timeline.nothingInFlightMs),
      row('  of which after the last response', (r) => r.timeline.lastResponseToEndMs),
      ...labels.map((x) => [`CPU: ${x.label}`, s(x.median), `${((x.median / wall) * 100).toFixed(0)}%`]),
    ],
    notes: [
      `phases from the page's Resource Timing of /api/feed; CPU from /proc (utime + stime) of each process, from the click`,
      `  to the moment the bench saw completion (≤ ~0.2 s later). ${cores} cores: the percentages of CPU can add up past 100%.`,
      '  IndexedDB lives in the Chromium browser process; the renderer runs the app (JSON, zod, Dexie, Vue).',
      early.length === 0
        ? 'the status never read Online before the first page was stored.'
        : `the status read "Online" (no progress bar) at ${showSpread(spread(early.map((e) => e.atMs)), s)} for ${showSpread(spread(early.map((e) => e.forMs)), msf)},` +
          ` before the first page was stored, in ${early.length} of ${runs.length} runs.`,
    ],
  }
}

export function warmTable(newTab: WarmRun[], restart: WarmRun[], failures: string[]): ClientTable {
  const row = (name: string, runs: WarmRun[]) => {
    if (runs.length === 0) return failedRow(name, failures[0] ?? 'no run')
    const first = spread(runs.map((r) => r.firstRowMs))
    const median = (f: (r: WarmRun) => number | null) => {
      const values = runs.map(f).filter((v): v is number => v !== null)
      return values.length ? msf(spread(values).median) : 'n/a'
    }
    const snapshots = runs.filter((r) => r.fromSnapshot).length
    const phases = [median((r) => r.fcpMs), median((r) => r.mainMs), median((r) => r.mountedMs), median((r) => r.liveRowsMs)]
    return [name, showSpread(first, msf), `${snapshots} of ${runs.length}`, ...phases, `≤ ${msf(WARM_TARGET_MS)}`, verdict(first.median, WARM_TARGET_MS)]
  }
  return {
    title: 'Warm first inbox paint (the profile already holds the conversations)',
    columns: ['opened in', 'first row on screen', 'from the snapshot', 'FCP', 'main.ts runs', 'app mounted', 'app\'s own rows', 'target', 'vs target'],
    rows: [row('a new tab (browser running)', newTab), row('a restarted browser (same profile)', restart)],
    notes: [
      'navigation start (performance.now() = 0) → the first conversation row painted (Element Timing), in the page\'s clock;',
      `  median (min–max) of ${Math.max(newTab.length, restart.length)}, one per bootstrapped profile; the other columns are medians. The`,
      '  service worker serves the app shell. first-paint.js (a classic script run while the HTML parses) paints the device\'s',
      '  last view of the inbox from localStorage, inert; "from the snapshot": runs whose first row came from it. main.ts',
      '  runs: the bundle loaded and evaluated. app mounted: Vue over the snapshot, with the same rows (list-snapshot.ts).',
      '  app\'s own rows: its Dexie query answered and painted; the sync engine and the search index start after that.',
      ...failures.map((f) => `a run failed: ${f}`),
    ],
  }
}

export function firstLoadTable(load: FirstLoad | null, failure: string | null): ClientTable {
  const title = 'Client code on first load (fresh profile, sign-in page)'
  const columns = ['code', 'files', 'raw', 'gzip -9', 'on the wire (hono/compress)', 'target', 'vs target']
  if (!load) return { title, columns, rows: [failedRow('first load', failure ?? 'not measured')], notes: [] }
  const js = total(load.js, 'gzip9')
  const names = (files: FirstLoad['js']) => files.map((f) => `${f.file} ${kb(f.gzip9)}`).join(', ')
  return {
    title,
    columns,
    rows: [
      ['JavaScript', String(load.js.length), kb(total(load.js, 'raw')), kb(js), kb(totalWire(load.js)), `≤ ${kb(JS_TARGET_BYTES)}`, verdict(js, JS_TARGET_BYTES)],
      ['CSS', String(load.css.length), kb(total(load.css, 'raw')), kb(total(load.css, 'gzip9')), kb(totalWire(load.css)), '', ''],
      ['service worker (after load)', String(load.serviceWorker.length), kb(total(load.serviceWorker, 'raw')), kb(total(load.serviceWorker, 'gzip9')), '', '', ''],
    ],
    notes: [
      'the .js and .css the page fetched in its first load (Resource Timing), each file of the build gzipped with zlib level 9.',
      `KB = 1,000 bytes (JavaScript gzip -9: ${(js / 1024).toFixed(1)} KiB). JS: ${names(load.js)}. CSS: ${names(load.css)}.`,
      `the service worker (${load.serviceWorker.map((f) => f.file).join(', ')}) registers after the page has loaded and then precaches`,
      '  the whole build; it is not on the first paint path.',
    ],
  }
}
