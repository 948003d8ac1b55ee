import * as Y from 'yjs'
import { addLabel, writeField } from '../../shared/conversation-doc.ts'
import { emptyConversationState } from '../../shared/project-conversation.ts'
import type { Contact } from '../../shared/schemas/entities.ts'
import type { AppContext } from '../app-context.ts'
import { serverOrigin } from '../sync/origins.ts'
import { planConversations, type ConversationPlan } from './plan.ts'
import type { Rng } from './random.ts'
import type { PlannedWrite } from './render.ts'
import type { Staff } from './script.ts'
import type { CreatedWorkspace } from './workspace.ts'

export interface SeedConversationsOptions {
  count: number
  rng: Rng
  /** Who writes in; conversations are spread over them. */
  contacts: Contact[]
}

/**
 * Writes `count` planned conversations with backdated times. Rows and messages are inserted in one
 * global time order, so seqs grow with time as on a live server; the doc state comes last, so that
 * every status is written having seen its conversation's newest message (DESIGN §4 rule 3).
 */
export async function seedConversations(
  ctx: AppContext,
  workspace: CreatedWorkspace,
  options: SeedConversationsOptions,
): Promise<{ conversations: number; messages: number }> {
  const { store, clock } = ctx
  const plans = planConversations({
    count: options.count,
    contacts: options.contacts,
    inboxes: workspace.inboxes,
    staff: await staffOf(ctx, workspace),
    now: clock.now(),
    rng: options.rng,
  })
  const ids = plans.map(() => clock.id())
  const lastSeq = plans.map(() => 0)
  const emptyDoc = Y.encodeStateAsUpdate(new Y.Doc())
  // No client is connected while seeding, so feed entries are not pushed; the store keeps them.
  for (const { plan: i, message: j } of timeline(plans)) {
    const plan = plans[i]!
    const conversationId = ids[i]!
    if (j < 0) {
      const row = { id: conversationId, accountId: workspace.accountId, inboxId: plan.inboxId, contactId: plan.contactId, createdAt: plan.createdAt }
      await store.conversations.insertConversation(row, emptyConversationState, emptyDoc)
      continue
    }
    const m = plan.messages[j]!
    const { message } = await store.conversations.insertMessage({
      id: clock.id(),
      accountId: workspace.accountId,
      conversationId,
      kind: m.kind,
      body: m.body,
      authorAgentId: m.authorAgentId,
      createdAt: m.at,
    })
    lastSeq[i] = message.seq
  }
  for (const [i, plan] of plans.entries()) {
    if (plan.writes.length === 0) continue
    // Origin server: the registry writes no activity lines of its own; the plan has its own, backdated.
    await ctx.docs.change(ids[i]!, serverOrigin, (doc) => {
      for (const write of plan.writes) applyWrite(doc, write, lastSeq[i]!, clock.id())
    })
  }
  return { conversations: plans.length, messages: plans.reduce((n, p) => n + p.messages.length, 0) }
}

/** Every conversation's creation and messages, oldest first; a creation precedes its first message. */
function timeline(plans: ConversationPlan[]): { plan: number; message: number }[] {
  const events: { at: number; plan: number; message: number }[] = []
  plans.forEach((plan, i) => {
    events.push({ at: plan.createdAt, plan: i, message: -1 })
    plan.messages.forEach((m, j) => events.push({ at: m.at, plan: i, message: j }))
  })
  return events.sort((a, b) => a.at - b.at || a.plan - b.plan || a.message - b.message)
}

function applyWrite(doc: Y.Doc, write: PlannedWrite, seenSeq: number, writeId: string): void {
  const ctx = { by: write.by, at: write.at, writeId }
  const { effect } = write
  switch (effect.field) {
    case 'assignee':
    case 'team':
      writeField(doc, effect.field, { value: effect.value }, ctx)
      return
    case 'priority':
      writeField(doc, 'priority', { value: effect.value }, ctx)
      return
    case 'label':
      addLabel(doc, effect.value, ctx)
      return
    case 'status':
      writeField(doc, 'status', { value: effect.value, snoozedUntil: effect.snoozedUntil, seenSeq }, ctx)
      return
  }
}

async function staffOf(ctx: AppContext, workspace: CreatedWorkspace): Promise<Staff> {
  const agents = workspace.agents.map((a) => ({ id: a.id, name: a.name }))
  const triager = workspace.agents.find((a) => a.role === 'admin') ?? workspace.agents[0]
  if (!triager) throw new Error('seeding conversations needs at least one agent')
  // Members in the workspace's agent order, not the store's (by id): ids are random, picks must not be.
  const teams = (await ctx.store.directory.listTeams(workspace.accountId)).map((t) => ({
    ...t,
    memberIds: agents.map((a) => a.id).filter((id) => t.memberIds.includes(id)),
  }))
  return { agents, teams, triagerId: triager.id }
}
