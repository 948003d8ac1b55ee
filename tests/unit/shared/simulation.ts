import * as Y from 'yjs'
import {
  LabelName,
  SYSTEM_AUTHOR,
  addLabel,
  removeLabel,
  writeField,
  type FieldName,
  type FieldValue,
} from '../../../shared/conversation-doc.ts'
import { projectConversation, sameState, type ConversationState } from '../../../shared/project-conversation.ts'
import { isSnoozeDue, isStaleStatus, reopensOnCustomerMessage } from '../../../shared/status-rules.ts'
import { replyCollisions } from '../../../shared/send-guard.ts'
import type { Message, MessageKind } from '../../../shared/schemas/entities.ts'
import { REMOTE, hasPending } from './replicas.ts'

// A model of one conversation worked by several agents, a customer and the server (DESIGN §3, §4):
// each agent has its own replica of the conversation doc, its own view of the message log and an
// outbox, and goes offline and online; the server holds the authoritative replica and the log, and
// applies rules 3, 4 and 6 with the same shared functions as server/services/conversation-rules.ts
// and messages.ts. Every write, label add and label remove is journalled with the state vector its
// author's replica had, so that checks can tell what each author had seen (causality) from what the
// merged doc ended with.

export type StateVector = Map<number, number>

export interface FieldWrite {
  field: FieldName
  value: FieldValue<FieldName>
  /** The Yjs id of the map entry this write created. */
  client: number
  clock: number
  /** What the writer's replica held just before the write. */
  seen: StateVector
  byAgent: boolean
}

export interface LabelAdd {
  name: string
  client: number
  clock: number
}

export interface LabelRemove {
  name: string
  seen: StateVector
}

export interface Stored {
  message: Message
  forced: boolean
  basedOnSeq: number | null
}

export interface Hold {
  replyId: string
  author: string
  basedOnSeq: number
  /** The newest seq of the log when the guard held the reply. */
  headSeq: number
}

export interface Journal {
  writes: FieldWrite[]
  adds: LabelAdd[]
  removes: LabelRemove[]
  /** Every update a replica made itself (agents' edits and the server's corrections). */
  localUpdates: Uint8Array[]
}

/** Has the author of `seen` seen the Yjs item (client, clock)? */
export const hasSeen = (seen: StateVector, client: number, clock: number): boolean => (seen.get(client) ?? 0) > clock

/** A doc with a fixed client id. Given a guid, Y.Doc skips drawing a random one, which costs more
 *  than a whole simulated schedule's worth of Yjs work. */
export function freshDoc(clientID: number, updates: readonly Uint8Array[] = []): Y.Doc {
  const doc = new Y.Doc({ guid: 'conversation' })
  doc.clientID = clientID
  for (const update of updates) Y.applyUpdate(doc, update, REMOTE)
  return doc
}

const stateVector = (doc: Y.Doc): StateVector => Y.decodeStateVector(Y.encodeStateVector(doc))

/** A replica whose writes go through the shared functions and into the journal. */
export class Replica {
  readonly doc: Y.Doc

  constructor(
    clientID: number,
    private readonly journal: Journal,
    private readonly byAgent: boolean,
    onLocal: (update: Uint8Array) => void,
  ) {
    this.doc = freshDoc(clientID)
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return
      journal.localUpdates.push(update)
      onLocal(update)
    })
  }

  write<F extends FieldName>(field: F, input: Parameters<typeof writeField<F>>[2], ctx: { by: string; at: number; writeId: string }): void {
    const seen = stateVector(this.doc)
    const clock = Y.getState(this.doc.store, this.doc.clientID)
    const value = writeField(this.doc, field, input, ctx)
    this.journal.writes.push({ field, value, client: this.doc.clientID, clock, seen, byAgent: this.byAgent })
  }

  addLabel(label: string, ctx: { by: string; at: number }): void {
    const clock = Y.getState(this.doc.store, this.doc.clientID)
    const name = addLabel(this.doc, label, ctx)
    this.journal.adds.push({ name, client: this.doc.clientID, clock })
  }

  removeLabel(label: string): void {
    this.journal.removes.push({ name: LabelName.parse(label), seen: stateVector(this.doc) })
    removeLabel(this.doc, label)
  }

  receive(updates: readonly Uint8Array[]): void {
    for (const update of updates) Y.applyUpdate(this.doc, update, REMOTE)
  }

  get state(): ConversationState {
    return projectConversation(this.doc)
  }
}

export type ServerEvent = 'update' | 'customer' | 'tick' | 'rules'

/** An automatic reopen, with what it replaced: rule 3 (stale), rule 4 (customer, snooze). */
export interface Correction {
  kind: 'stale' | 'customer' | 'snooze'
  replaced: ConversationState
  lastCustomerSeq: number
  now: number
}

const activityLine: Record<Correction['kind'], string> = {
  stale: 'Reopened automatically',
  customer: 'Reopened: the customer wrote',
  snooze: 'Snooze ended',
}

export interface PostInput {
  id: string
  kind: 'reply' | 'note'
  basedOnSeq: number
  force: boolean
}

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
const accountId = uuid(0xacc)
const conversationId = uuid(0xc0)

export class Server {
  readonly replica: Replica
  readonly log: Stored[] = []
  readonly holds: Hold[] = []
  readonly corrections: Correction[] = []
  /** Posts of an id already stored (retries after a lost answer). */
  duplicates = 0
  lastCustomerSeq = 0
  now: number
  /** While set, rule work waits in the queue: ConversationRules runs it after the change is
   *  projected, one change at a time, and meanwhile the doc takes further updates. */
  lagging = false
  /** Projected changes whose rule work has not run yet. */
  private readonly queued: ConversationState[] = []
  /** How often queued rule work found a stale change already overtaken by a later write. */
  overtaken = 0

  constructor(
    clientID: number,
    journal: Journal,
    startTime: number,
    /** Where the server's replica broadcasts every update it integrates (the room, the feed). */
    broadcast: (update: Uint8Array) => void,
    /** Called after every step of the server, once its rules have run. */
    private readonly observe: (server: Server, event: ServerEvent) => void,
  ) {
    this.now = startTime
    this.replica = new Replica(clientID, journal, false, () => {})
    this.replica.doc.on('update', (update: Uint8Array) => broadcast(update))
  }

  get head(): number {
    return this.log.at(-1)?.message.seq ?? 0
  }

  get state(): ConversationState {
    return this.replica.state
  }

  /** An agent's doc update (room, bulk push or feed: all the same to the doc). Answers whether it
   *  left a complete replica waiting for updates it lacks (DocRegistry.applyUpdate's 409 over HTTP). */
  receive(update: Uint8Array): 'ok' | 'incomplete' {
    const before = this.state
    const wasComplete = !hasPending(this.replica.doc)
    this.replica.receive([update])
    this.afterChange(before)
    this.observe(this, 'update')
    return wasComplete && hasPending(this.replica.doc) ? 'incomplete' : 'ok'
  }

  customerWrites(): void {
    const seq = this.append('incoming', null)
    this.lastCustomerSeq = seq
    // Rule 4 (ConversationRules.onCustomerMessage).
    if (reopensOnCustomerMessage(this.state)) this.reopen('customer', seq)
    this.observe(this, 'customer')
  }

  tick(ms: number): void {
    this.now += ms
    this.wakeDueSnooze()
    this.observe(this, 'tick')
  }

  get rulesPending(): boolean {
    return this.queued.length > 0
  }

  /** The rule queue catches up (and keeps up until it lags again). */
  catchUp(): void {
    this.lagging = false
    this.runQueuedRules()
    this.observe(this, 'rules')
  }

  /** The rules once more, as after any change (used after the last delivery). */
  applyRules(): void {
    this.staleStatusRule()
    this.wakeDueSnooze()
    this.observe(this, 'rules')
  }

  /** MessageService.postAgentMessage: idempotent on the id, replies pass the send guard (rule 6). */
  post(author: string, input: PostInput): { result: 'stored' | 'duplicate' } | { result: 'held'; collisions: Message[] } {
    if (this.log.some((s) => s.message.id === input.id)) {
      this.duplicates += 1
      return { result: 'duplicate' }
    }
    if (input.kind === 'reply' && !input.force) {
      const collisions = replyCollisions(
        this.log.map((s) => s.message),
        input.basedOnSeq,
        author,
      )
      if (collisions.length > 0) {
        this.holds.push({ replyId: input.id, author, basedOnSeq: input.basedOnSeq, headSeq: this.head })
        return { result: 'held', collisions }
      }
    }
    this.append(input.kind, author, input)
    return { result: 'stored' }
  }

  /** DocRegistry.project → ConversationRules.onStateChange: rule work is queued when the projection
   *  changed. */
  private afterChange(before: ConversationState): void {
    const after = this.state
    if (sameState(before, after)) return
    this.queued.push(after)
    if (!this.lagging) this.runQueuedRules()
    // The snooze waker is told of every snooze and runs at its time, so a snooze set in the past wakes now.
    this.wakeDueSnooze()
  }

  private runQueuedRules(): void {
    while (this.queued.length > 0) {
      const change = this.queued.shift()!
      // Decided on the conversation's state now, not on the queued change's snapshot: by the time the
      // work runs, a later write (say, a Resolve made having read everything) may stand, and a
      // correction decided on the snapshot would reopen it. This departs from the server on purpose:
      // ConversationRules.applyRules decides on `change.after`, and modelled that way the property
      // "the server reopens nothing else" fails.
      if (isStaleStatus(change, this.lastCustomerSeq) && !isStaleStatus(this.state, this.lastCustomerSeq)) this.overtaken += 1
      this.staleStatusRule()
    }
  }

  /** Rule 3. */
  private staleStatusRule(): void {
    if (isStaleStatus(this.state, this.lastCustomerSeq)) this.reopen('stale', this.lastCustomerSeq)
  }

  /** Rule 4 (ConversationRules.wakeDueSnoozes). */
  private wakeDueSnooze(): void {
    const state = this.state
    if (isSnoozeDue(state, this.now)) this.reopen('snooze', state.statusSeenSeq)
  }

  /** ConversationService.setStatusAsSystem and the activity line that says why. */
  private reopen(kind: Correction['kind'], seenSeq: number): void {
    const before = this.state
    this.corrections.push({ kind, replaced: before, lastCustomerSeq: this.lastCustomerSeq, now: this.now })
    this.replica.write('status', { value: 'open', snoozedUntil: null, seenSeq }, {
      by: SYSTEM_AUTHOR,
      at: this.now,
      writeId: `system-${this.corrections.length}`,
    })
    this.append('activity', null, undefined, activityLine[kind])
    this.afterChange(before)
  }

  private append(kind: MessageKind, author: string | null, input?: PostInput, body: string = kind): number {
    const seq = this.head + 1
    const message: Message = {
      id: input?.id ?? uuid(0x5e0000 + seq),
      accountId,
      conversationId,
      kind,
      body,
      attachments: [],
      authorAgentId: author,
      createdAt: this.now,
      seq,
    }
    this.log.push({ message, forced: input?.force ?? false, basedOnSeq: input ? input.basedOnSeq : null })
    return seq
  }
}

export interface OutboxEntry {
  id: string
  kind: 'reply' | 'note'
  basedOnSeq: number
  force: boolean
  state: 'waiting' | 'held'
  /** The newest colliding seq the guard answered with, while held. */
  collidedUpTo: number
}

export class Agent {
  readonly replica: Replica
  online: boolean
  /** The newest message seq this agent's device has (its view of the log). */
  seen = 0
  /** Its own doc updates the server may not have yet. */
  outgoing: Uint8Array[] = []
  /** The server's updates not yet delivered to this device. */
  incoming: Uint8Array[] = []
  readonly outbox: OutboxEntry[] = []
  /** Ids of every reply and note this agent wrote. */
  readonly written: { id: string; kind: 'reply' | 'note' }[] = []

  constructor(
    readonly id: string,
    clientID: number,
    journal: Journal,
    online: boolean,
  ) {
    this.online = online
    this.replica = new Replica(clientID, journal, true, (update) => this.outgoing.push(update))
  }

  get state(): ConversationState {
    return this.replica.state
  }
}

export const messageId = (agent: number, n: number): string => uuid(0xa00000 + agent * 0x1000 + n)

/** The items of `list` named by `picks` (indices modulo its length): any subset, any order, with
 *  duplicates; and the items never named. */
export function choose<T>(list: readonly T[], picks: readonly number[]): { chosen: T[]; rest: T[] } {
  if (list.length === 0) return { chosen: [], rest: [] }
  const indices = picks.map((p) => p % list.length)
  const named = new Set(indices)
  return { chosen: indices.map((i) => list[i]!), rest: list.filter((_, i) => !named.has(i)) }
}
