import type { DraftRecord } from './records.ts'

// Reply drafts are the device's own: private to their author, never synced, kept across reloads.
// They live in localStorage rather than IndexedDB because its writes are synchronous: a reload, a
// closed tab or an app update a moment after a keystroke cannot abort them, as it can an IndexedDB
// transaction still in flight.

const key = (agentId: string, conversationId: string) => `inbox.draft.${agentId}.${conversationId}`

export function loadDraft(agentId: string, conversationId: string): DraftRecord | null {
  try {
    const raw = localStorage.getItem(key(agentId, conversationId))
    return raw ? (JSON.parse(raw) as DraftRecord) : null
  } catch {
    return null
  }
}

/** Returns false when the device has no room left for it. */
export function saveDraft(agentId: string, conversationId: string, body: string, seenSeq: number): boolean {
  try {
    if (body.trim() === '') localStorage.removeItem(key(agentId, conversationId))
    else localStorage.setItem(key(agentId, conversationId), JSON.stringify({ conversationId, body, seenSeq, updatedAt: Date.now() }))
    return true
  } catch {
    return false
  }
}

export const clearDraft = (agentId: string, conversationId: string): void => localStorage.removeItem(key(agentId, conversationId))

/** Signing out takes the agent's drafts off the device along with the rest of their data. */
export function clearAllDrafts(agentId: string): void {
  const prefix = `inbox.draft.${agentId}.`
  for (const k of Object.keys(localStorage)) if (k.startsWith(prefix)) localStorage.removeItem(k)
}
