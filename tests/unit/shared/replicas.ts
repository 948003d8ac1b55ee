import * as Y from 'yjs'

// Test helpers for replica scenarios: every locally made Yjs update is captured in one log (in the
// order it was made), so a test can later deliver the same updates shuffled and duplicated, the way
// the room, the bulk endpoint and the feed may all deliver them (DESIGN §3).

/** Origin of updates a replica received from elsewhere; they are not logged again. */
export const REMOTE = Symbol('remote')

export class Network {
  /** Every local update of every replica, in the order they were made. */
  readonly log: Uint8Array[] = []

  /** A replica with a fixed clientID, so that runs (and Yjs's tie-breaks) are reproducible. */
  replica(clientID: number): Y.Doc {
    const doc = newDoc(clientID)
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.log.push(update)
    })
    return doc
  }
}

export function newDoc(clientID: number): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = clientID
  return doc
}

export function deliver(to: Y.Doc, updates: readonly Uint8Array[]): void {
  for (const update of updates) Y.applyUpdate(to, update, REMOTE)
}

/** Sends `to` what `from` has and `to` lacks (one direction, like one sync step). */
export function pull(to: Y.Doc, from: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), REMOTE)
}

export function syncAll(docs: readonly Y.Doc[]): void {
  for (const to of docs) for (const from of docs) if (to !== from) pull(to, from)
}

/** A fresh replica that received `updates` in the given order. */
export function replay(clientID: number, updates: readonly Uint8Array[]): Y.Doc {
  const doc = newDoc(clientID)
  deliver(doc, updates)
  return doc
}

/** Yjs keeps updates whose dependencies have not arrived yet as pending; a converged doc has none. */
export function hasPending(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null
}

export const ids = {
  alice: '8f6f1f53-2a55-4d5e-9d3c-1a1b2c3d4e01',
  bob: '8f6f1f53-2a55-4d5e-9d3c-1a1b2c3d4e02',
  carol: '8f6f1f53-2a55-4d5e-9d3c-1a1b2c3d4e03',
  billingTeam: '8f6f1f53-2a55-4d5e-9d3c-1a1b2c3d4e11',
  vipTeam: '8f6f1f53-2a55-4d5e-9d3c-1a1b2c3d4e12',
} as const
