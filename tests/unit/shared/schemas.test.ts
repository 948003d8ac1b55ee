import { describe, it, expect } from 'vitest'
import { randomUUID } from 'node:crypto'
import {
  ApiChannelMessage,
  ConversationPatch,
  DocsSync,
  ErrorBody,
  PostMessage,
  SeqParam,
  SignIn,
} from '../../../shared/schemas/api.ts'
import { ConversationRow } from '../../../shared/schemas/conversation.ts'
import { Id, Message, MessageKind, Timestamp, isCustomerVisible } from '../../../shared/schemas/entities.ts'
import { FeedEntry, FeedPage, FeedPush } from '../../../shared/schemas/feed.ts'
import { emptyConversationState } from '../../../shared/project-conversation.ts'
import { ids } from './replicas.ts'

/** The dotted paths of the issues, as the server's 4xx names them. */
function failingPaths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  expect(result.success).toBe(false)
  return (result.error?.issues ?? []).map((issue) => issue.path.map(String).join('.'))
}

describe('entities', () => {
  it('takes a client-minted UUID as an id, and nothing else', () => {
    expect(Id.safeParse(randomUUID()).success).toBe(true)
    for (const bad of ['', 'abc', '123', 42, null, `${randomUUID()}x`]) expect(Id.safeParse(bad).success).toBe(false)
  })

  it('takes a non-negative whole number of ms as a timestamp', () => {
    expect(Timestamp.safeParse(0).success).toBe(true)
    expect(Timestamp.safeParse(1_700_000_000_000).success).toBe(true)
    for (const bad of [-1, 1.5, '1', Number.NaN, Number.POSITIVE_INFINITY]) expect(Timestamp.safeParse(bad).success).toBe(false)
  })

  it('never counts an internal note or an activity line as customer-visible (rule 7)', () => {
    expect(MessageKind.options.filter(isCustomerVisible)).toEqual(['incoming', 'reply'])
  })

  it('gives every message a positive seq', () => {
    const message = {
      id: randomUUID(),
      accountId: randomUUID(),
      conversationId: randomUUID(),
      kind: 'reply',
      body: 'Thanks!',
      authorAgentId: ids.alice,
      createdAt: 1,
      seq: 1,
    }
    expect(Message.safeParse(message).success).toBe(true)
    expect(failingPaths(Message.safeParse({ ...message, seq: 0 }))).toEqual(['seq'])
    expect(failingPaths(Message.safeParse({ ...message, kind: 'sms' }))).toEqual(['kind'])
  })
})

describe('PostMessage', () => {
  const post = { id: randomUUID(), kind: 'reply', body: 'Hello', basedOnSeq: 3 }

  it('accepts a reply and a note, trimming the body', () => {
    expect(PostMessage.parse({ ...post, body: '  Hello \n' }).body).toBe('Hello')
    expect(PostMessage.safeParse({ ...post, kind: 'note' }).success).toBe(true)
  })

  it.each(['incoming', 'activity'])('does not let an agent post a %s message', (kind) => {
    expect(failingPaths(PostMessage.safeParse({ ...post, kind }))).toEqual(['kind'])
  })

  it('rejects a blank or oversized body', () => {
    expect(failingPaths(PostMessage.safeParse({ ...post, body: ' \n\t ' }))).toEqual(['body'])
    expect(failingPaths(PostMessage.safeParse({ ...post, body: 'x'.repeat(50_001) }))).toEqual(['body'])
    expect(PostMessage.safeParse({ ...post, body: 'x'.repeat(50_000) }).success).toBe(true)
  })

  it('requires the idempotency key and basedOnSeq (rules 5 and 6)', () => {
    const { id: _id, ...noId } = post
    const { basedOnSeq: _seq, ...noSeq } = post
    expect(failingPaths(PostMessage.safeParse(noId))).toEqual(['id'])
    expect(failingPaths(PostMessage.safeParse(noSeq))).toEqual(['basedOnSeq'])
    expect(failingPaths(PostMessage.safeParse({ ...post, basedOnSeq: -1 }))).toEqual(['basedOnSeq'])
  })
})

describe('ConversationPatch', () => {
  it('accepts a partial patch', () => {
    expect(ConversationPatch.parse({ assigneeId: null })).toEqual({ assigneeId: null })
    expect(ConversationPatch.safeParse({}).success).toBe(true)
  })

  it('requires a time to snooze', () => {
    expect(failingPaths(ConversationPatch.safeParse({ status: 'snoozed' }))).toEqual(['snoozedUntil'])
    expect(failingPaths(ConversationPatch.safeParse({ status: 'snoozed', snoozedUntil: null }))).toEqual(['snoozedUntil'])
    expect(ConversationPatch.safeParse({ status: 'snoozed', snoozedUntil: 5_000 }).success).toBe(true)
  })

  it('names the offending field', () => {
    expect(failingPaths(ConversationPatch.safeParse({ status: 'closed' }))).toEqual(['status'])
    expect(failingPaths(ConversationPatch.safeParse({ priority: 'critical' }))).toEqual(['priority'])
    expect(failingPaths(ConversationPatch.safeParse({ teamId: 'billing' }))).toEqual(['teamId'])
  })

  it('rejects a label name addLabel would refuse, instead of failing inside the doc write', () => {
    expect(failingPaths(ConversationPatch.safeParse({ addLabels: ['ok', '!!'] }))).toEqual(['addLabels.1'])
  })

  it('accepts label names that addLabel will normalise', () => {
    expect(ConversationPatch.safeParse({ addLabels: [' VIP ', 'needs review', 'Ünïcode'] }).success).toBe(true)
  })

  it('limits the number of labels in one patch', () => {
    const many = Array.from({ length: 51 }, (_, i) => `l${i}`)
    expect(failingPaths(ConversationPatch.safeParse({ addLabels: many }))).toEqual(['addLabels'])
    expect(failingPaths(ConversationPatch.safeParse({ removeLabels: many }))).toEqual(['removeLabels'])
  })
})

describe('DocsSync', () => {
  it('accepts base64 updates and state vectors', () => {
    expect(DocsSync.safeParse({ docs: [{ id: randomUUID(), update: 'AAE=', stateVector: 'AA==' }] }).success).toBe(true)
    expect(DocsSync.safeParse({ docs: [{ id: randomUUID() }] }).success).toBe(true)
  })

  it('rejects text that is not base64', () => {
    expect(failingPaths(DocsSync.safeParse({ docs: [{ id: randomUUID(), update: 'not base64!' }] }))).toEqual(['docs.0.update'])
  })

  it('takes between 1 and 500 docs', () => {
    expect(failingPaths(DocsSync.safeParse({ docs: [] }))).toEqual(['docs'])
    const docs = Array.from({ length: 501 }, () => ({ id: randomUUID() }))
    expect(failingPaths(DocsSync.safeParse({ docs }))).toEqual(['docs'])
  })
})

describe('ApiChannelMessage', () => {
  it('needs a contact with an email or a name', () => {
    expect(ApiChannelMessage.safeParse({ contact: { email: 'c@example.com' }, body: 'Help' }).success).toBe(true)
    expect(ApiChannelMessage.safeParse({ contact: { name: 'Chris' }, body: 'Help' }).success).toBe(true)
    expect(failingPaths(ApiChannelMessage.safeParse({ contact: {}, body: 'Help' }))).toEqual(['contact.email'])
    expect(failingPaths(ApiChannelMessage.safeParse({ contact: { email: 'nope' }, body: 'Help' }))).toEqual(['contact.email'])
  })

  it('takes flat custom attributes only', () => {
    const ok = { contact: { name: 'C', attributes: { plan: 'pro', seats: 3, trial: false, note: null } }, body: 'x' }
    expect(ApiChannelMessage.safeParse(ok).success).toBe(true)
    const nested = { contact: { name: 'C', attributes: { plan: { tier: 1 } } }, body: 'x' }
    expect(ApiChannelMessage.safeParse(nested).success).toBe(false)
  })
})

describe('small request schemas', () => {
  it('SignIn needs an email and a password', () => {
    expect(SignIn.safeParse({ email: 'a@example.com', password: 'pw' }).success).toBe(true)
    expect(failingPaths(SignIn.safeParse({ email: 'a@example.com', password: '' }))).toEqual(['password'])
    expect(failingPaths(SignIn.safeParse({ email: 'a', password: 'pw' }))).toEqual(['email'])
  })

  it('SeqParam reads a query string seq', () => {
    expect(SeqParam.parse('42')).toBe(42)
    for (const bad of ['-1', '1.5', 'abc']) expect(SeqParam.safeParse(bad).success).toBe(false)
  })

  it('ErrorBody names fields optionally', () => {
    expect(ErrorBody.safeParse({ error: 'bad', fields: [{ path: 'body', message: 'too short' }] }).success).toBe(true)
    expect(ErrorBody.safeParse({ error: 'bad' }).success).toBe(true)
    expect(ErrorBody.safeParse({ fields: [] }).success).toBe(false)
  })
})

describe('feed', () => {
  const row = {
    id: randomUUID(),
    accountId: randomUUID(),
    number: 1,
    inboxId: randomUUID(),
    contactId: randomUUID(),
    createdAt: 1,
    lastActivityAt: 2,
    lastMessage: { kind: 'incoming', body: 'Hi', at: 2, authorAgentId: null },
    lastMessageSeq: 3,
    lastCustomerMessageSeq: 3,
    lastVisibleSeq: 3,
    ...emptyConversationState,
  }

  it('a conversation row is its facts plus the projected state', () => {
    expect(ConversationRow.safeParse(row).success).toBe(true)
    expect(failingPaths(ConversationRow.safeParse({ ...row, status: 'closed' }))).toEqual(['status'])
    expect(failingPaths(ConversationRow.safeParse({ ...row, number: 0 }))).toEqual(['number'])
  })

  it('tells entries apart by kind', () => {
    expect(FeedEntry.safeParse({ seq: 4, kind: 'conversation', conversation: row, state: 'AA==' }).success).toBe(true)
    expect(FeedEntry.safeParse({ seq: 4, kind: 'conversation', conversation: row }).success).toBe(false)
    expect(FeedEntry.safeParse({ seq: 4, kind: 'message', conversation: row, state: 'AA==' }).success).toBe(false)
    expect(FeedEntry.safeParse({ seq: 0, kind: 'conversation', conversation: row, state: 'AA==' }).success).toBe(false)
  })

  it('pages and pushes carry their cursors', () => {
    expect(FeedPage.safeParse({ entries: [], lastSeq: 0, hasMore: false }).success).toBe(true)
    expect(FeedPush.safeParse({ type: 'entries', after: 0, entries: [] }).success).toBe(true)
    expect(FeedPush.safeParse({ type: 'entries', entries: [] }).success).toBe(false)
  })
})
