import { randomUUID } from 'node:crypto'
import * as Y from 'yjs'
import { addLabel, clearNoteDraft, ensureNoteDraftId, noteDraftId, noteText, removeLabel, writeField } from '../../shared/conversation-doc.ts'
import type { Status } from '../../shared/conversation-doc.ts'
import { mulberry32 } from '../../server/demo/random.ts'

// A conversation's life in edits, as the app makes them: three agents, each with their own Y.Doc,
// every update relayed to the others and to the server's copy (the hub), as the sync room does. Note
// keystrokes are one transaction each, with the draft id written in the same transaction
// (NoteEditor.vue); field writes and labels go through the shared helpers the UI calls.

export interface EditMix {
  keystrokes: number
  fieldWrites: number
}

export interface EditedDoc {
  /** The server's copy after every edit. */
  hub: Y.Doc
  noteLength: number
  keystrokes: number
  writes: number
  /** "Add note" by one agent: the note is queued and the shared draft cleared (NoteEditor.vue). */
  addNote(): void
}

const LABELS = ['billing', 'refund', 'bug', 'vip', 'shipping', 'feature request', 'urgent follow-up', 'churn risk']
const STATUSES: Status[] = ['open', 'pending', 'snoozed', 'resolved']
const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const
const WORDS = 'the customer says refund was not received after two weeks please check order status and reply today'.split(' ')

export function editConversation(seed: number, mix: EditMix): EditedDoc {
  const rand = mulberry32(seed)
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!
  const hub = new Y.Doc()
  const agents = ['alice', 'bob', 'carol'].map(() => ({ id: randomUUID(), doc: new Y.Doc(), caret: 0 }))
  const team = [randomUUID(), randomUUID()]
  for (const a of agents) {
    a.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'relay') return
      Y.applyUpdate(hub, update, 'relay')
      for (const other of agents) if (other !== a) Y.applyUpdate(other.doc, update, 'relay')
    })
  }
  let at = 1_700_000_000_000
  const ctx = (by: string) => ({ by, at: (at += int(1000, 60_000)), writeId: randomUUID() })
  let keystrokes = 0
  let writes = 0

  const typeBurst = (agent: (typeof agents)[number], n: number) => {
    const text = noteText(agent.doc)
    agent.caret = Math.min(agent.caret, text.length)
    let word = pick(WORDS) + ' '
    for (let i = 0; i < n; i++) {
      const backspace = text.length > 0 && agent.caret > 0 && rand() < 0.12
      agent.doc.transact(() => {
        if (backspace) text.delete(--agent.caret, 1)
        else {
          text.insert(agent.caret++, word[0]!)
          word = word.length > 1 ? word.slice(1) : pick(WORDS) + ' '
        }
        ensureNoteDraftId(agent.doc, randomUUID())
      })
    }
    keystrokes += n
  }

  const writeOne = (agent: (typeof agents)[number]) => {
    const roll = rand()
    if (roll < 0.25) {
      const value = pick(STATUSES)
      writeField(agent.doc, 'status', { value, snoozedUntil: value === 'snoozed' ? at + 86_400_000 : null, seenSeq: int(1, 40) }, ctx(agent.id))
    } else if (roll < 0.45) writeField(agent.doc, 'assignee', { value: rand() < 0.2 ? null : pick(agents).id }, ctx(agent.id))
    else if (roll < 0.55) writeField(agent.doc, 'team', { value: rand() < 0.2 ? null : pick(team) }, ctx(agent.id))
    else if (roll < 0.7) writeField(agent.doc, 'priority', { value: pick(PRIORITIES) }, ctx(agent.id))
    else if (roll < 0.87) addLabel(agent.doc, pick(LABELS), ctx(agent.id))
    else removeLabel(agent.doc, pick(LABELS))
    writes += 1
  }

  // Bursts: an agent types a stretch of the note (caret moves now and then), or makes a few writes.
  while (keystrokes < mix.keystrokes || writes < mix.fieldWrites) {
    const agent = pick(agents)
    const typing = writes >= mix.fieldWrites || (keystrokes < mix.keystrokes && rand() < 0.5)
    if (typing) {
      if (rand() < 0.3) agent.caret = int(0, noteText(agent.doc).length)
      typeBurst(agent, Math.min(mix.keystrokes - keystrokes, int(5, 40)))
    } else {
      const n = Math.min(mix.fieldWrites - writes, int(1, 4))
      for (let i = 0; i < n; i++) writeOne(agent)
    }
  }
  const addNote = () => {
    const doc = agents[0]!.doc
    const id = noteDraftId(doc)
    if (id) clearNoteDraft(doc, id)
  }
  return { hub, noteLength: noteText(hub).length, keystrokes, writes, addNote }
}
