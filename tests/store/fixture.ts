import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll } from 'vitest'
import type { Contact } from '../../shared/schemas/entities.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import { type ConversationState, emptyConversationState } from '../../shared/project-conversation.ts'
import { PgStore } from '../../server/store/pg/pg-store.ts'
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.ts'
import type { Store } from '../../server/store/types.ts'
import type { StoreBackend } from '../support/stores.ts'

// What the store contract files share: one opened store per describe block (a fresh schema on
// PostgreSQL), and a small account in it built through the store's own methods.

export interface Opened {
  store: Store
}

/** Opens the backend before the block's tests and closes it after; read `.store` inside tests. */
export function useStore(backend: StoreBackend): Opened {
  const holder = {} as Opened & { close?: () => Promise<void> }
  beforeAll(async () => {
    const opened = await backend.open()
    holder.store = opened.store
    holder.close = opened.close
  })
  afterAll(async () => {
    await holder.close?.()
  })
  return holder
}

export interface World {
  accountId: string
  agentId: string
  inboxId: string
  contactId: string
}

export async function seedAccount(store: Store, now = 1_000): Promise<World> {
  const accountId = randomUUID()
  const agentId = randomUUID()
  const inboxId = randomUUID()
  await store.directory.createAccount({ id: accountId, name: 'Acme' }, now)
  await store.directory.createAgent(
    { id: agentId, accountId, name: 'Alice', email: `alice-${agentId}@example.com`, role: 'admin', passwordHash: 'h1' },
    now,
  )
  await store.directory.createInbox({ id: inboxId, accountId, name: 'Chat', channelType: 'live_chat', settings: {}, tokenHash: `tok-${inboxId}` }, now)
  const contact = newContact(accountId, now)
  await store.contacts.insertContact(contact)
  return { accountId, agentId, inboxId, contactId: contact.id }
}

export const newContact = (accountId: string, createdAt = 1_000, fields: Partial<Contact> = {}): Contact => ({
  id: randomUUID(),
  accountId,
  name: 'Carol Customer',
  email: null,
  attributes: {},
  createdAt,
  ...fields,
})

export async function newConversation(store: Store, w: World, createdAt = 2_000, state: ConversationState = emptyConversationState) {
  const id = randomUUID()
  const { row, entries } = await store.conversations.insertConversation(
    { id, accountId: w.accountId, inboxId: w.inboxId, contactId: w.contactId, createdAt },
    state,
    new Uint8Array([1, 2, 3]),
  )
  return { id, row, entries }
}

/** Every entry of the account's feed as the given agent reads it, parsed. */
export async function feedOf(store: Store, accountId: string, agentId?: string): Promise<FeedEntry[]> {
  const { entries } = await store.feed.readFeed(accountId, 0, 10_000, agentId ? { agentId } : {})
  return entries.map((e) => JSON.parse(e) as FeedEntry)
}

/** A raw query for what no store method returns (jobs written by the outbox, linked attachments). */
export async function rawRows<R>(store: Store, text: string, params: unknown[] = []): Promise<R[]> {
  if (store instanceof SqliteStore) return store.db.prepare(text.replace(/\$\d+/g, '?')).all(...params) as R[]
  if (store instanceof PgStore) return store.db.rows<R>(text, params)
  throw new Error('unknown store')
}

export async function rawRun(store: Store, text: string, params: unknown[] = []): Promise<void> {
  if (store instanceof SqliteStore) store.db.prepare(text.replace(/\$\d+/g, '?')).run(...params)
  else if (store instanceof PgStore) await store.db.run(text, params)
  else throw new Error('unknown store')
}

export interface JobRow {
  id: string
  kind: string
  dedupe_key: string | null
  created_at: number
}

export const jobsOf = (store: Store, accountId: string): Promise<JobRow[]> =>
  rawRows<JobRow>(store, 'SELECT id, kind, dedupe_key, created_at FROM jobs WHERE account_id = $1 ORDER BY id', [accountId])
