import type { AdminInbox, InboxPatch, NewInbox } from '../../shared/schemas/admin.ts'
import type { Inbox } from '../../shared/schemas/entities.ts'
import type { Store } from '../store/types.ts'
import type { Clock } from './clock.ts'
import type { Publish } from './publisher.ts'
import { AdminError } from './admin-errors.ts'
import { hashToken, newToken } from './secrets.ts'

/** The one check each channel makes before it takes a new conversation in. */
export const isArchived = (inbox: Pick<Inbox, 'archived'>): boolean => inbox.archived === true

export const ARCHIVED_INBOX = 'This inbox is archived: it takes no new messages.'
export const INBOX_HAS_CONVERSATIONS = 'This inbox has conversations: archive it instead.'
const emailTaken = () => new AdminError(409, 'Another inbox already has this address.', 'emailAddress')
const notFound = () => new AdminError(404, 'inbox not found')

/** Inboxes of an account: channels' settings, the API inbox's token (shown once), archive, delete. */
export class InboxService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly publish: Publish,
  ) {}

  list(accountId: string): Promise<AdminInbox[]> {
    return this.store.admin.inboxesWithCounts(accountId)
  }

  async create(accountId: string, input: NewInbox): Promise<{ inbox: Inbox; token?: string }> {
    // Every inbox has a token hash (a column that cannot be empty); only an API inbox's is ever shown.
    const token = newToken('inbox')
    const settings: Inbox['settings'] =
      input.channelType === 'live_chat' ? { widgetKey: newToken('pk') } : input.channelType === 'email' ? { emailAddress: input.emailAddress!.toLowerCase() } : {}
    const inbox: Inbox = { id: this.clock.id(), accountId, name: input.name, channelType: input.channelType, settings, archived: false }
    const result = await this.store.admin.insertInbox({ ...inbox, tokenHash: hashToken(token) }, this.clock.now())
    if (!result.ok) throw emailTaken()
    this.publish(accountId, result.entries)
    return input.channelType === 'api' ? { inbox: result.inbox, token } : { inbox: result.inbox }
  }

  async update(accountId: string, id: string, patch: InboxPatch): Promise<Inbox> {
    const result = await this.store.admin.updateInbox(accountId, id, { ...patch, emailAddress: patch.emailAddress?.toLowerCase() })
    if (!result.ok) {
      if (result.reason === 'email_taken') throw emailTaken()
      if (result.reason === 'not_email') throw new AdminError(400, 'only an email inbox has an address', 'emailAddress')
      throw notFound()
    }
    this.publish(accountId, result.entries)
    return result.inbox
  }

  async regenerateToken(accountId: string, id: string): Promise<string> {
    const token = newToken('inbox')
    const outcome = await this.store.admin.replaceInboxToken(accountId, id, hashToken(token))
    if (outcome === 'not_found') throw notFound()
    if (outcome === 'not_api') throw new AdminError(400, 'only an API inbox has a token')
    return token
  }

  async remove(accountId: string, id: string): Promise<void> {
    const result = await this.store.admin.deleteInbox(accountId, id)
    if (!result.ok) throw result.reason === 'has_conversations' ? new AdminError(409, INBOX_HAS_CONVERSATIONS) : notFound()
    this.publish(accountId, result.entries)
  }
}
