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
import { DomainEvents, stateChangeEvents } from './services/domain-events.ts'
import { JobRunner } from './jobs/runner.ts'
import { Outbox } from './jobs/outbox.ts'
import { EmailChannel } from './channels/email/email-channel.ts'
import { AttachmentService } from './services/attachments.ts'
import { CannedService } from './services/canned.ts'
import { PresenceBoard } from './sync/presence-board.ts'
import { createWidgetChannel, type WidgetChannel } from './widget/channel.ts'
import { ApiChannelRestService } from './services/api-channel-rest.ts'
import { WebhookService } from './webhooks/webhooks.ts'
import { SessionSockets } from './sync/session-sockets.ts'
import { SetupService } from './services/setup.ts'
import { InvitationService } from './services/invitations.ts'
import { InvitationMailer } from './services/invitation-mail.ts'
import { AgentAdminService } from './services/agents-admin.ts'
import { TeamService } from './services/teams.ts'
import { AttributeService } from './services/attributes.ts'
import { InboxService } from './services/inboxes.ts'
import { ProfileService } from './services/profile.ts'
import { CredentialLimits } from './services/credential-limits.ts'
import { FeedService } from './services/feed.ts'
import { WorkspaceService } from './services/workspace.ts'
import { PushService } from './push/push-service.ts'
import { Cluster } from './cluster/cluster.ts'
import { InProcessRelay, type Relay } from './cluster/relay.ts'
import { ReadService } from './services/reads.ts'
import { NotificationService } from './services/notifications.ts'

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
  /** Which jobs a change causes, written in the change's own transaction. */
  outbox: Outbox
  /** The Email channel: mail in over SMTP, replies out by the job queue; its port once started. */
  email: EmailChannel
  attachments: AttachmentService
  canned: CannedService
  /** The website live chat: visitor tokens, its public API's service and the visitors' live sockets. */
  widget: WidgetChannel
  apiChannelRest: ApiChannelRestService
  webhooks: WebhookService
  /** First-run setup, invitations, and an administrator's agents, teams and inboxes. */
  setup: SetupService
  invitations: InvitationService
  agentsAdmin: AgentAdminService
  teams: TeamService
  /** Contact custom attributes: definitions (administrators) and contacts' values (agents). */
  attributes: AttributeService
  inboxes: InboxService
  /** An agent's own name, password, sessions and API tokens. */
  profile: ProfileService
  /** Attempts left for guessing passwords and codes, per client address and per email (sign-in, tokens). */
  credentialLimits: CredentialLimits
  /** Catch-up pages of the change feed. */
  feed: FeedService
  /** The signed-in agent's account, agents, teams and inboxes. */
  workspace: WorkspaceService
  /** Web Push: the VAPID key, agents' browser subscriptions, and pushing a notification to them. */
  push: PushService
  cluster: Cluster
  /** Each agent's read position per conversation (issue 12). */
  reads: ReadService
  /** Agents' notifications: mentions, assignments, customer replies (issue 12); `onCreated` for push. */
  notifications: NotificationService
}

export function createContext(config: Config, store: Store, clock: Clock, relay: Relay = new InProcessRelay()): AppContext {
  const cluster = new Cluster(relay, store, clock)
  const bus = new FeedBus()
  const publish = publisherFor(bus)
  const directory = new Directory(store)
  const events = new DomainEvents()
  // The runner is made below; the outbox wakes it through `ctx` once the context is filled in.
  const outbox = new Outbox(clock, (kind) => ctx.jobs.poke(kind))
  const attachments = new AttachmentService(store, clock, config.dataDir)
  const messages = new MessageService(store, publish, clock, events, attachments, outbox)
  const contacts = new ContactService(store, publish, clock)
  // The registry's hooks need the rules, and the rules need the registry: bound late through `ctx`.
  const ctx = {} as AppContext
  const docs = new DocRegistry(
    store,
    {
      onEntries: publish,
      jobsFor: (change) => outbox.prepare(stateChangeEvents(change)),
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
    cluster.rooms,
  )
  const conversations = new ConversationService(store, docs, publish, clock, directory)
  const auth = new AuthService(store, clock, config.sessionMs, new SessionSockets(() => clock.now()))
  const rules = new ConversationRules(store, conversations, messages, directory, clock)
  // One process of several wakes snoozes at a time; the others' round finds the lease taken and
  // skips (whoever runs computes the next wake-up for all).
  const waker = new SnoozeWaker(async () => (await cluster.exclusive.exclusively('snooze-wake', () => rules.wakeDueSnoozes())) ?? null, () => clock.now())
  Object.assign(ctx, {
    config,
    store,
    clock,
    bus,
    auth,
    docs,
    contacts,
    conversations,
    messages,
    rules,
    apiChannel: new ApiChannelService(store, contacts, conversations, messages, rules),
    waker,
    presence: new PresenceBoard(bus, docs),
    events,
    outbox,
    jobs: new JobRunner(store.jobs, clock),
    email: new EmailChannel(ctx),
    attachments,
    canned: new CannedService(store, publish, clock),
    widget: createWidgetChannel({ store, clock, publish, conversations, messages, rules, attachments, docs, events, dataDir: config.dataDir }),
    apiChannelRest: new ApiChannelRestService(store, publish, clock, contacts, conversations, messages),
    webhooks: new WebhookService(store, clock, config.webhooks),
    setup: new SetupService(store, auth, clock, publish),
    invitations: new InvitationService(store, auth, clock, publish, config.smtpUrl ? new InvitationMailer(config.smtpUrl, config.dataDir) : null),
    agentsAdmin: new AgentAdminService(store, auth, conversations, messages, publish),
    teams: new TeamService(store, clock, conversations, messages, publish),
    attributes: new AttributeService(store, clock, publish),
    inboxes: new InboxService(store, clock, publish),
    profile: new ProfileService(store, auth, publish),
    credentialLimits: new CredentialLimits(
      {
        perAddress: config.signInLimits.perAddress,
        perSubject: config.signInLimits.perEmail,
        windowSeconds: config.signInLimits.windowSeconds,
      },
      cluster.limiter(),
    ),
    feed: new FeedService(store),
    workspace: new WorkspaceService(store),
    push: new PushService(store.push, clock, {
      ...config.push,
      timeoutMs: config.webhooks.timeoutMs,
      allowPrivate: config.webhooks.allowPrivate,
    }),
    reads: new ReadService(store, conversations, publish, clock),
    notifications: new NotificationService(store, publish, clock, directory),
    cluster,
  } satisfies AppContext)
  ctx.webhooks.connect(ctx.outbox, ctx.jobs)
  ctx.notifications.connect(ctx.outbox, ctx.jobs)
  ctx.push.connect(ctx.jobs)
  // Each new notification also goes to the agent's browsers by Web Push (reaching them while the app is closed).
  ctx.notifications.onCreated((notification, message) => ctx.push.notify(notification.agentId, message))
  cluster.connect(ctx)
  return ctx
}
