import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { noteDraftId } from '../../../../shared/conversation-doc.ts'
import { MAX_ATTACHMENT_BYTES } from '../../../../shared/schemas/entities.ts'
import type { InboxDatabase } from '../../../../client/db/database.ts'
import { refusalMessage } from '../../../../client/composables/useAttachmentsPicker.ts'
import { formatSize } from '../../../../client/composables/useAttachmentsLocal.ts'
import { applyFeedEntries } from '../../../../client/sync/apply-feed.ts'
import { type NewOutboxItem, OutboxSender } from '../../../../client/sync/outbox.ts'
import { admit, filesOf } from '../../../../client/sync/uploads.ts'
import {
  addDraftFiles,
  draftKey,
  dropOutboxItem,
  enqueueWithFiles,
  fileOnlyNote,
  returnToDraft,
  type ChosenFile,
} from '../../../../client/sync/uploads-queue.ts'
import { freshDatabase, ids, message, messageEntry, newDoc } from '../fixtures.ts'

// Files of replies and notes wait on the device as Blobs until their message is in the feed; the
// outbox uploads them first, once each, then posts the message naming them.

const conversation = '3d1f6a10-8c1b-4e59-9a41-00000000000a'
const elsewhere = '3d1f6a10-8c1b-4e59-9a41-00000000000b'

const file = (name: string, text = `bytes of ${name}`, type = 'text/plain'): ChosenFile => {
  const blob = new Blob([text], { type })
  return { name, type, size: blob.size, blob }
}

const reply = (over: Partial<NewOutboxItem> = {}): NewOutboxItem => ({
  id: crypto.randomUUID(),
  conversationId: conversation,
  kind: 'reply',
  body: 'See the attached invoice',
  basedOnSeq: 3,
  authorAgentId: ids.alice,
  ...over,
})

describe('limits', () => {
  it('admits at most 15 files a message and none over 40 MB, and says which were refused', () => {
    const big = { name: 'video.mov', size: MAX_ATTACHMENT_BYTES + 1 }
    const exactly = { name: 'max.bin', size: MAX_ATTACHMENT_BYTES }
    const small = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, size: 10 }))
    const result = admit(12, [big, exactly, ...small])
    expect(result.tooLarge).toEqual([big])
    expect(result.accepted.map((f) => f.name)).toEqual(['max.bin', 'f0.txt', 'f1.txt'])
    expect(result.overLimit.map((f) => f.name)).toEqual(['f2.txt', 'f3.txt', 'f4.txt'])
  })

  it('names the file that is too large, or the count that is over', () => {
    expect(refusalMessage({ tooLarge: [{ name: 'video.mov' }], overLimit: [] })).toBe('“video.mov” is larger than 40 MB and was not added.')
    expect(refusalMessage({ tooLarge: [], overLimit: [{ name: 'a.txt' }, { name: 'b.txt' }] })).toBe(
      'A message can carry at most 15 files: 2 files were not added (“a.txt”, “b.txt”).',
    )
    expect(refusalMessage({ tooLarge: [], overLimit: [] })).toBe('')
  })

  it('shows sizes in the units of the limit', () => {
    expect(formatSize(812)).toBe('812 B')
    expect(formatSize(4300)).toBe('4.2 kB')
    expect(formatSize(MAX_ATTACHMENT_BYTES)).toBe('40 MB')
  })
})

describe('files on the device', () => {
  let db: InboxDatabase
  beforeEach(() => {
    db = freshDatabase()
  })
  afterEach(async () => {
    vi.unstubAllGlobals()
    await db.delete()
  })

  const names = async (owner: string) => (await filesOf(db, owner)).map((f) => f.name)

  it('keeps chosen files with the draft in the order chosen, up to 15 across several choices', async () => {
    const key = draftKey('reply', conversation)
    await addDraftFiles(db, key, [file('b.txt'), file('a.txt')], 1_000)
    const second = await addDraftFiles(db, key, Array.from({ length: 14 }, (_, i) => file(`more-${i}.txt`)), 1_000)
    expect(second.overLimit).toHaveLength(1)
    const kept = await filesOf(db, key)
    expect(kept).toHaveLength(15)
    expect(kept.slice(0, 3).map((f) => f.name)).toEqual(['b.txt', 'a.txt', 'more-0.txt'])
    expect(await kept[0]!.blob.text()).toBe('bytes of b.txt')
    expect(kept[0]).toMatchObject({ contentType: 'text/plain', attachmentId: null, outboxId: key })
  })

  it('queues a reply with the reply files of its conversation, and nothing else', async () => {
    await addDraftFiles(db, draftKey('reply', conversation), [file('invoice.pdf')], 1)
    await addDraftFiles(db, draftKey('note', conversation), [file('internal.txt')], 2)
    await addDraftFiles(db, draftKey('reply', elsewhere), [file('other.txt')], 3)
    const item = reply()
    await enqueueWithFiles(db, item, 10)
    expect(await db.outbox.get(item.id)).toMatchObject({ state: 'waiting', createdAt: 10 })
    expect(await names(item.id)).toEqual(['invoice.pdf'])
    expect(await names(draftKey('reply', conversation))).toEqual([])
    // A note's files never ride along with a reply (DESIGN §4 rule 7 starts here).
    expect(await names(draftKey('note', conversation))).toEqual(['internal.txt'])
    expect(await names(draftKey('reply', elsewhere))).toEqual(['other.txt'])
  })

  it('a queue that fails (same id again) leaves the files with the draft', async () => {
    const item = reply()
    await enqueueWithFiles(db, item, 1)
    await addDraftFiles(db, draftKey('reply', conversation), [file('late.txt')], 2)
    await expect(enqueueWithFiles(db, item, 3)).rejects.toThrow()
    expect(await names(draftKey('reply', conversation))).toEqual(['late.txt'])
  })

  it('discarding an item drops its files; "Edit" on a held reply gives them back to the composer', async () => {
    const discarded = reply()
    await addDraftFiles(db, draftKey('reply', conversation), [file('gone.txt')], 1)
    await enqueueWithFiles(db, discarded, 2)
    await dropOutboxItem(db, discarded.id)
    expect(await db.uploads.count()).toBe(0)

    const held = reply()
    await addDraftFiles(db, draftKey('reply', conversation), [file('kept.txt')], 3)
    await enqueueWithFiles(db, held, 4)
    const [uploaded] = await filesOf(db, held.id)
    await db.uploads.update(uploaded!.id, { attachmentId: 'a1b2c3d4-0000-4000-8000-000000000001' })
    await returnToDraft(db, { id: held.id, kind: 'reply', conversationId: conversation })
    expect(await db.outbox.get(held.id)).toBeUndefined()
    // Back in the composer, still uploaded: sending again does not upload it again.
    expect(await filesOf(db, draftKey('reply', conversation))).toMatchObject([{ name: 'kept.txt', attachmentId: 'a1b2c3d4-0000-4000-8000-000000000001' }])
  })

  it('a note of files only posts under the shared draft id, given one if it has none', () => {
    const doc = newDoc(1)
    const first = fileOnlyNote(doc, 'a1b2c3d4-0000-4000-8000-00000000000a')
    expect(first).toEqual({ id: 'a1b2c3d4-0000-4000-8000-00000000000a', body: '' })
    expect(noteDraftId(doc)).toBe(first.id)
    expect(fileOnlyNote(doc, 'a1b2c3d4-0000-4000-8000-00000000000b').id).toBe(first.id)
  })

  describe('sending', () => {
    interface Call {
      url: string
      headers: Headers
      body: string
    }

    let attachmentSeq = 0
    /** Stubs fetch: uploads get a new attachment id (or `uploadAnswer`), posts are accepted. */
    function stubServer(uploadAnswer?: (call: Call) => Response | null): Call[] {
      const calls: Call[] = []
      vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
        const body = init.body instanceof Blob ? await init.body.text() : String(init.body)
        const call: Call = { url, headers: new Headers(init.headers), body }
        calls.push(call)
        if (url === '/api/attachments') {
          const answer = uploadAnswer?.(call)
          if (answer) return answer
          const id = `a1b2c3d4-0000-4000-8000-${String(++attachmentSeq).padStart(12, '0')}`
          return json(201, { attachment: { id, name: decodeURIComponent(call.headers.get('x-file-name')!), contentType: 'text/plain', size: body.length, sha256: '0'.repeat(64) } })
        }
        const posted = JSON.parse(body) as { id: string; body: string }
        return json(201, { message: message(conversation, 9, { id: posted.id, kind: 'reply', body: posted.body }), duplicate: false })
      })
      return calls
    }
    const json = (status: number, body: unknown): Response =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
    const uploads = (calls: Call[]) => calls.filter((c) => c.url === '/api/attachments')
    const posts = (calls: Call[]) => calls.filter((c) => c.url !== '/api/attachments').map((c) => JSON.parse(c.body) as Record<string, unknown>)

    it('uploads the files first, in order, then posts the message naming them', async () => {
      await addDraftFiles(db, draftKey('reply', conversation), [file('Rechnung März.txt', 'März'), file('b.png', 'png', 'image/png')], 1)
      const item = reply()
      await enqueueWithFiles(db, item, 2)
      const calls = stubServer()

      await new OutboxSender(db).flush()

      expect(uploads(calls).map((c) => [c.headers.get('x-file-name'), c.headers.get('content-type'), c.body])).toEqual([
        [encodeURIComponent('Rechnung März.txt'), 'text/plain', 'März'],
        ['b.png', 'image/png', 'png'],
      ])
      const stored = await filesOf(db, item.id)
      expect(posts(calls)).toEqual([
        { id: item.id, kind: 'reply', body: item.body, basedOnSeq: 3, force: false, attachmentIds: stored.map((f) => f.attachmentId) },
      ])
      expect(stored.every((f) => f.attachmentId !== null)).toBe(true)
      expect(calls.at(-1)!.url).toBe(`/api/conversations/${conversation}/messages`)
      expect(await db.outbox.get(item.id)).toMatchObject({ state: 'sent' })
    })

    it('after a failure half-way, a retry uploads only the files still missing, and posts once', async () => {
      await addDraftFiles(db, draftKey('reply', conversation), [file('one.txt'), file('two.txt')], 1)
      const item = reply({ body: '' })
      await enqueueWithFiles(db, item, 2)
      let down = true
      const calls = stubServer((call) => {
        if (down && call.headers.get('x-file-name') === 'two.txt') throw new TypeError('fetch failed')
        return null
      })

      await expect(new OutboxSender(db).flush()).rejects.toThrow('fetch failed')
      expect(await db.outbox.get(item.id)).toMatchObject({ state: 'waiting' })
      expect(posts(calls)).toEqual([])

      down = false
      await new OutboxSender(db).flush()
      expect(uploads(calls).map((c) => c.headers.get('x-file-name'))).toEqual(['one.txt', 'two.txt', 'two.txt'])
      expect(posts(calls)).toHaveLength(1)
      expect(posts(calls)[0]!.attachmentIds).toEqual((await filesOf(db, item.id)).map((f) => f.attachmentId))
      expect(posts(calls)[0]!.attachmentIds).toHaveLength(2)
    })

    it('a file the server refuses fails the item, naming the file; the message is not posted', async () => {
      await addDraftFiles(db, draftKey('reply', conversation), [file('huge.iso')], 1)
      const item = reply()
      await enqueueWithFiles(db, item, 2)
      const calls = stubServer(() => json(413, { error: 'request body too large (files: at most 40 MB)' }))

      await new OutboxSender(db).flush()

      expect(posts(calls)).toEqual([])
      expect(await db.outbox.get(item.id)).toMatchObject({ state: 'failed', error: 'huge.iso: request body too large (files: at most 40 MB)' })
      expect(await filesOf(db, item.id)).toHaveLength(1)
    })

    it('the files leave the device with their item once the message is in the feed', async () => {
      await addDraftFiles(db, draftKey('reply', conversation), [file('sent.txt')], 1)
      const item = reply()
      await enqueueWithFiles(db, item, 2)
      const other = reply({ conversationId: elsewhere })
      await addDraftFiles(db, draftKey('reply', elsewhere), [file('still-queued.txt')], 3)
      await enqueueWithFiles(db, other, 4)
      await addDraftFiles(db, draftKey('note', conversation), [file('draft.txt')], 5)
      stubServer()
      await new OutboxSender(db).flush()

      const stored = message(conversation, 9, { id: item.id, kind: 'reply', authorAgentId: ids.alice })
      await applyFeedEntries(db, [messageEntry(stored)], 9)

      expect(await db.outbox.get(item.id)).toBeUndefined()
      expect((await db.uploads.toArray()).map((f) => f.name).sort()).toEqual(['draft.txt', 'still-queued.txt'])
    })
  })
})
