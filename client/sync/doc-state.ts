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
