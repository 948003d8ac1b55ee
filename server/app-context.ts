import type { Config } from './config.ts'
import type { Store } from './store/types.ts'
import type { Clock } from './services/clock.ts'
import { ApiChannelService } from './services/api-channel.ts'
import { AuthService } from './services/auth.ts'
import { ContactService } from './services/contacts.ts'
import { ConversationRules } from './services/conversation-rules.ts'
import { ConversationService } from './services/conversations.ts'
import { Directory } from './services/directory.ts'
import { FeedBus } from './services/feed-bus.ts'
import { MessageService } from './services/messages.ts'
import { publisherFor } from './services/publisher.ts'
import { SnoozeWaker } from './services/snooze-waker.ts'
import { DocRegistry } from './sync/doc-registry.ts'
import { DomainEvents } from './services/domain-events.ts'
import { JobRunner } from './jobs/runner.ts'
import { EmailChannel } from './channels/email/email-channel.ts'
import { AttachmentService } from './services/attachments.ts'
import { CannedService } from './services/canned.ts'
import { PresenceBoard } from './sync/presence-board.ts'
import { createWidgetChannel, type WidgetChannel } from './widget/channel.ts'
import { ApiChannelRestService } from './services/api-channel-rest.ts'
import { WebhookService } from './webhooks/webhooks.ts'

/** The composition root: every service, wired once. Routes and sockets receive this. */
export interface AppContext {
  config: Config
  store: Store
  clock: Clock
  bus: FeedBus
  auth: AuthService
  docs: DocRegistry
  contacts: ContactService
  conversations: ConversationService
  messages: MessageService
  rules: ConversationRules
  apiChannel: ApiChannelService
  waker: SnoozeWaker
  presence: PresenceBoard
  events: DomainEvents
  jobs: JobRunner
  /** The Email channel: mail in over SMTP, replies out by the job queue; its port once started. */
  email: EmailChannel
  attachments: AttachmentService
  canned: CannedService
  /** The website live chat: visitor tokens, its public API's service and the visitors' live sockets. */
  widget: WidgetChannel
  apiChannelRest: ApiChannelRestService
  webhooks: WebhookService
}

export function createContext(config: Config, store: Store, clock: Clock): AppContext {
  const bus = new FeedBus()
  const publish = publisherFor(bus)
  const directory = new Directory(store)
  const events = new DomainEvents()
  const attachments = new AttachmentService(store, clock, config.dataDir)
  const messages = new MessageService(store, publish, clock, events, attachments)
  const contacts = new ContactService(store, publish, clock)
  // The registry's hooks need the rules, and the rules need the registry: bound late through `ctx`.
  const ctx = {} as AppContext
  const docs = new DocRegistry(
    store,
    {
      onEntries: publish,
      onPresence: (live) => {
        ctx.presence.onRoomChange(live)
        ctx.widget.live.onRoomPresence(live)
      },
      onStateChange: (change) => {
        if (change.after.status === 'snoozed' && change.after.snoozedUntil !== null) ctx.waker.notify(change.after.snoozedUntil)
        void ctx.rules.onStateChange(change)
      },
    },
    { idleMs: config.docIdleMs, compactAfter: 200 },
  )
  const conversations = new ConversationService(store, docs, publish, clock, directory)
  const rules = new ConversationRules(store, conversations, messages, directory, clock, events)
  const waker = new SnoozeWaker(() => rules.wakeDueSnoozes(), () => clock.now())
  Object.assign(ctx, {
    config,
    store,
    clock,
    bus,
    auth: new AuthService(store, clock, config.sessionMs),
    docs,
    contacts,
    conversations,
    messages,
    rules,
    apiChannel: new ApiChannelService(store, contacts, conversations, messages, rules),
    waker,
    presence: new PresenceBoard(bus, docs),
    events,
    jobs: new JobRunner(store.jobs, clock),
    email: new EmailChannel(ctx),
    attachments,
    canned: new CannedService(store, publish, clock),
    widget: createWidgetChannel({ store, clock, publish, conversations, messages, rules, attachments, docs, events, dataDir: config.dataDir }),
    apiChannelRest: new ApiChannelRestService(store, publish, clock, contacts, conversations, messages),
    webhooks: new WebhookService(store, clock, config.webhooks),
  } satisfies AppContext)
  ctx.webhooks.connect(ctx.events, ctx.jobs)
  return ctx
}
