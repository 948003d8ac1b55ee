// The inbox's first rows are what an agent waits for on opening the app. Work that is not needed to
// show them (the sync engine's catch-up, loading the search index) waits until they are on screen,
// so that it neither delays them on the main thread nor queues IndexedDB transactions ahead of the
// list's read. A page that shows no list (settings, a deep link on a phone) must not hold that work
// back for long, hence the ceiling.

let shown: () => void = () => undefined
const firstRows = new Promise<void>((resolve) => (shown = resolve))

/** The list has painted its first answer (rows, or "No conversations here"). */
export function markFirstRowsShown(): void {
  // A user-timing mark too, for the bench and for anyone profiling a start.
  if (performance.getEntriesByName('inbox:live-rows', 'mark').length === 0) performance.mark('inbox:live-rows')
  shown()
}

/** The page shows no conversation list (settings): nothing to wait for. */
export function noListOnThisPage(): void {
  shown()
}

/** Resolves once the first rows are painted, or after `ceilingMs` whatever the page shows. */
export function afterFirstRows(ceilingMs = 1500): Promise<void> {
  return Promise.race([firstRows, new Promise<void>((resolve) => setTimeout(resolve, ceilingMs))])
}
