import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NewMessage } from '../../server/store/conversations.ts'
import type { Store } from '../../server/store/types.ts'
import type { Message } from '../../shared/schemas/entities.ts'
import { type OpenedStore, storeBackends } from '../support/stores.ts'
import { newConversation, seedAccount } from './fixture.ts'

// The send guard runs inside the reply's insert transaction (DESIGN §4 rule 6): a customer message
// stored at the same moment by another process (here: a second store handle on the same database)
// either is seen by the guard, which then refuses the reply, or lands after the reply. Never a reply
// stored blind to a customer message stored before it.

class Held extends Error {}
const ROUNDS = 40

describe.each(storeBackends())('send guard in the insert transaction ($name)', (backend) => {
  let opened: OpenedStore
  let twin: Store
  beforeAll(async () => {
    opened = await backend.open()
    twin = await opened.openTwin()
  })
  afterAll(() => opened.close())

  it('refuses a reply when a customer message is already stored after its seq', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const c = await newConversation(store, w)
    const first = await store.conversations.insertMessage(incoming(w.accountId, c.row.id))
    await store.conversations.insertMessage(incoming(w.accountId, c.row.id))
    const reply = replyAfter(w.accountId, w.agentId, c.row.id, first.message.seq)
    await expect(store.conversations.insertMessage(reply)).rejects.toBeInstanceOf(Held)
    expect(await store.conversations.getMessage(reply.id)).toBeNull()
  })

  it('a customer message racing the reply from another handle is seen or comes after, never slips in between', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    let held = 0
    for (let round = 0; round < ROUNDS; round++) {
      const c = await newConversation(store, w)
      const seen = (await store.conversations.insertMessage(incoming(w.accountId, c.row.id))).message.seq
      const reply = replyAfter(w.accountId, w.agentId, c.row.id, seen)
      const customer = incoming(w.accountId, c.row.id)
      const [r, m] = await Promise.allSettled([store.conversations.insertMessage(reply), twin.conversations.insertMessage(customer)])
      expect(m.status).toBe('fulfilled')
      const customerSeq = (m as PromiseFulfilledResult<{ message: Message }>).value.message.seq
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(Held)
        held++
      } else {
        expect(customerSeq).toBeGreaterThan(r.value.message.seq)
      }
    }
    console.log(`${backend.name}: ${held} of ${ROUNDS} racing replies held, the rest stored before the customer's message`)
  })
})

const incoming = (accountId: string, conversationId: string): NewMessage => ({
  id: randomUUID(),
  accountId,
  conversationId,
  kind: 'incoming',
  body: 'One more thing',
  authorAgentId: null,
  createdAt: 5_000,
})

const replyAfter = (accountId: string, agentId: string, conversationId: string, afterSeq: number): NewMessage => ({
  id: randomUUID(),
  accountId,
  conversationId,
  kind: 'reply',
  body: 'Done!',
  authorAgentId: agentId,
  createdAt: 5_000,
  guard: {
    afterSeq,
    check(newer) {
      if (newer.some((m) => m.kind === 'incoming')) throw new Held()
    },
  },
})
