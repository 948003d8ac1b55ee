import * as Y from 'yjs'
import { type ConversationState, projectConversation } from '../../shared/project-conversation.ts'

// Pure helpers over stored Yjs states; no Dexie, no network.

export const mergeStates = (updates: Uint8Array[]): Uint8Array =>
  updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates)

/** Projects a stored state without keeping a doc around. */
export function projectState(update: Uint8Array): ConversationState {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  const state = projectConversation(doc)
  doc.destroy()
  return state
}

/** True when `update` adds nothing to `base` (so a merge would change nothing). */
export function isContainedIn(update: Uint8Array, base: Uint8Array): boolean {
  const missing = Y.diffUpdate(update, Y.encodeStateVectorFromUpdate(base))
  if (Y.decodeUpdate(missing).structs.length > 0) return false
  // diffUpdate keeps every deletion of `update`, whether the base has it or not (and any overwritten
  // field is a deletion), so the deletions are compared with the base's own.
  const baseDeletions = Y.decodeUpdate(base).ds
  const withUpdate = Y.mergeDeleteSets([baseDeletions, Y.decodeUpdate(update).ds])
  return Y.equalDeleteSets(withUpdate, Y.mergeDeleteSets([baseDeletions]))
}
