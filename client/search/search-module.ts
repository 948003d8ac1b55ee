// The lazily loaded part of the search (useSearch imports this file dynamically): MiniSearch, the index
// shell and the result views come in one chunk.
export { deviceSearch } from './device-search.ts'
export { resultViews } from './result-views.ts'
