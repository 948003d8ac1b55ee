import * as Y from 'yjs'
import { encodeBytes } from '../../shared/base64.ts'
import { type EditMix, editConversation } from './doc-edits.ts'
import { showSpread, spread } from './stats.ts'
import type { ClientTable } from './table.ts'

// Per-conversation doc size after 1,000 edits (600 note keystrokes, 400 field and label writes), as
// the server stores it and the feed carries it (base64 of the full state). No browser needed.

const MIX = { keystrokes: 600, fieldWrites: 400 }
const SEEDS = [1, 2, 3]
/** The same two halves alone, to show which one the bytes come from. */
const PARTS: { name: string; mix: EditMix }[] = [
  { name: '1,000 edits (600 keys + 400 writes)', mix: MIX },
  { name: '600 note keystrokes only', mix: { keystrokes: 600, fieldWrites: 0 } },
  { name: '400 field/label writes only', mix: { keystrokes: 0, fieldWrites: 400 } },
]

interface DocSizes {
  bytes: number
  base64: number
  v2: number
  clearedBytes: number
  clearedBase64: number
  noteLength: number
}

function sizes(doc: Y.Doc): { bytes: number; base64: number; v2: number } {
  const state = Y.encodeStateAsUpdate(doc)
  return { bytes: state.byteLength, base64: encodeBytes(state).length, v2: Y.encodeStateAsUpdateV2(doc).byteLength }
}

function measureOnce(seed: number, mix: EditMix): DocSizes {
  const edited = editConversation(seed, mix)
  const before = sizes(edited.hub)
  edited.addNote()
  const after = sizes(edited.hub)
  return { ...before, clearedBytes: after.bytes, clearedBase64: after.base64, noteLength: edited.noteLength }
}

const bytes = (v: number) => Math.round(v).toLocaleString('en-US')

/** `seededBase64`: the mean state size of the seeded conversations in the bootstrap feed, for scale. */
export function docSizeTable(seededBase64: number | null): ClientTable {
  const results = PARTS.map((part) => ({ part, runs: SEEDS.map((seed) => measureOnce(seed, part.mix)) }))
  const main = results[0]!.runs
  const row = (name: string, runs: DocSizes[]) => {
    const col = (f: (r: DocSizes) => number) => showSpread(spread(runs.map(f)), bytes)
    return [name, col((r) => r.bytes), col((r) => r.base64), col((r) => r.v2), col((r) => r.clearedBytes), col((r) => r.clearedBase64)]
  }
  return {
    title: 'Per-conversation doc after 1,000 edits (Y.Doc, shared/conversation-doc.ts)',
    columns: ['edits', 'state B (v1 update)', 'base64 chars (feed)', 'v2 encoding B', 'after Add note: state B', 'after Add note: base64'],
    rows: results.map((r) => row(r.part.name, r.runs)),
    notes: [
      `edits: ${MIX.keystrokes} note keystrokes (12% backspaces, caret moved now and then; one transaction each, draft id`,
      `  written with it) and ${MIX.fieldWrites} writes (status 25%, assignee 20%, team 10%, priority 15%, add label 17%, remove label 13%),`,
      `  in bursts by 3 agents whose docs relay every update to the server's copy, which is measured: Y.encodeStateAsUpdate`,
      `  byteLength, and the base64 string a feed entry carries. Median (min–max) of ${SEEDS.length} edit sequences; the note left`,
      `  ${showSpread(spread(main.map((r) => r.noteLength)), (v) => `${Math.round(v)}`)} characters long before Add note cleared it.`,
      seededBase64 === null
        ? 'for scale: the seeded conversations\' states were not read (client group without the browser part)'
        : `for scale: a seeded conversation's state averages ${bytes(seededBase64)} base64 chars in the bootstrap feed.`,
      'target: none in the issue; every byte here is carried once per conversation in a device\'s first catch-up.',
    ],
  }
}
