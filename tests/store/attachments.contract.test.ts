import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { AttachmentRecord } from '../../server/store/attachments.ts'
import { storeBackends } from '../support/stores.ts'
import { seedAccount, useStore } from './fixture.ts'

// Uploaded attachments' records: stored as given, read back by id (linking to a message is the
// messages store's part, see messages.contract.test.ts).

describe.each(storeBackends())('attachment store ($name)', (backend) => {
  const opened = useStore(backend)

  it('stores an upload and reads it back exactly, large sizes included', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const record: AttachmentRecord = {
      id: randomUUID(),
      accountId: w.accountId,
      sha256: 'f'.repeat(64),
      name: 'Invoice März.pdf',
      contentType: 'application/pdf',
      // Above 2^31: kept exactly, as a number.
      size: 3_000_000_000,
      uploadedBy: w.agentId,
      createdAt: 1_700_000_000_000,
      messageId: null,
    }
    await store.attachments.insert(record)
    expect(await store.attachments.get(record.id)).toEqual(record)
    const byVisitor = { ...record, id: randomUUID(), uploadedBy: null, messageId: 'm-1', size: 0 }
    await store.attachments.insert(byVisitor)
    expect(await store.attachments.get(byVisitor.id)).toEqual(byVisitor)
    expect(await store.attachments.get(randomUUID())).toBeNull()
  })

  it('an id is stored once', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const record: AttachmentRecord = {
      id: randomUUID(), accountId: w.accountId, sha256: 'a'.repeat(64), name: 'a.txt', contentType: 'text/plain', size: 1, uploadedBy: null, createdAt: 1, messageId: null,
    }
    await store.attachments.insert(record)
    await expect(store.attachments.insert({ ...record, name: 'b.txt' })).rejects.toThrow()
    expect((await store.attachments.get(record.id))?.name).toBe('a.txt')
  })
})
