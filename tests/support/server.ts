import { mkdtemp, rm } from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AppContext } from '../../server/app-context.ts'
import { configFromEnv } from '../../server/config.ts'
import { createWorkspace, type CreatedWorkspace } from '../../server/demo/workspace.ts'
import { hashPassword } from '../../server/services/secrets.ts'
import { startServer, type RunningServer } from '../../server/start.ts'
import type { Clock } from '../../server/services/clock.ts'
import { dropDatabase, freshDatabase, onPostgres } from './test-database.ts'
import type { ApiChannelMessage, ConversationPatch, PostMessage, PostMessageResult } from '../../shared/schemas/api.ts'
import type { ConversationRow } from '../../shared/schemas/conversation.ts'
import type { Message } from '../../shared/schemas/entities.ts'
import type { FeedEntry, FeedPage } from '../../shared/schemas/feed.ts'

// The one factory of the integration suite (STYLE: "a real server on port 0 from one factory"): the
// real server in-process on 127.0.0.1, a fresh database (SQLite in a temp dir, or with TEST_STORE=postgres
// a fresh PostgreSQL schema: tests/support/test-database.ts), two accounts.

export const PASSWORD = 'correct horse battery staple'
// Hashed once per test process at full production cost and reused by every server's agents: a hash
// takes 128 MiB and a few hundred ms, and each test file starts several servers.
let passwordHash: Promise<string> | undefined
const hashedPassword = (): Promise<string> => (passwordHash ??= hashPassword(PASSWORD))

export interface TestAgent {
  id: string
  accountId: string
  name: string
  email: string
  password: string
}

export interface TestInbox {
  id: string
  token: string
}

/** The account most tests work in: Alice and Bob, a team, an API inbox and a Website inbox. */
export interface AcmeWorkspace {
  accountId: string
  alice: TestAgent
  bob: TestAgent
  team: { id: string; name: string }
  apiInbox: TestInbox
  websiteInbox: TestInbox
}

/** A second account, for authorisation tests: nothing of Acme's may be visible to Mallory. */
export interface OtherWorkspace {
  accountId: string
  mallory: TestAgent
  apiInbox: TestInbox
}

export interface ApiResponse<T> {
  status: number
  headers: Headers
  /** The parsed JSON body (undefined when the body is not JSON). */
  body: T
  text: string
}

export interface RequestOptions {
  method?: string
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string
  /** Sent as the `Cookie` header, e.g. `inbox_session=…`. */
  cookie?: string
  /** Serialised as the JSON body. */
  json?: unknown
  /** A raw body, sent as is (with `content-type: application/json` unless headers say otherwise). */
  body?: string
  headers?: Record<string, string>
}

export interface ConversationView {
  conversation: ConversationRow
  messages: Message[]
}

export interface TestServerOptions {
  /** How long an unused doc stays loaded; small so that tests also cover load/unload. */
  docIdleMs?: number
  /** More environment for the server's configuration (e.g. `WEBHOOK_RETRY_BASE_MS`), kept across restarts. */
  env?: Record<string, string>
  /** Start on an empty database (DEMO=0, no account: the first-run setup's state); `acme` and `other`
   *  then throw when used, and `setupCode` holds the code the server would print. */
  empty?: boolean
  /** The server's time and ids (e.g. a clock the test moves forward). */
  clock?: Clock
}

export class TestServer {
  private running: RunningServer | null
  /** Kept across stop(): a restart listens on the same port, so open providers can reconnect. */
  private lastPort: number

  private constructor(
    running: RunningServer,
    readonly dataDir: string,
    private readonly docIdleMs: number,
    readonly acme: AcmeWorkspace,
    readonly other: OtherWorkspace,
    private readonly env: Record<string, string> = {},
    private readonly clock?: Clock,
    /** The PostgreSQL schema of this server's database (TEST_STORE=postgres); undefined on SQLite. */
    readonly schema?: string,
  ) {
    this.running = running
    this.lastPort = running.port
  }

  static async start(options: TestServerOptions = {}): Promise<TestServer> {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'inbox-it-'))
    const docIdleMs = options.docIdleMs ?? 200
    const database = onPostgres() ? await freshDatabase() : null
    // In env, so that restarts open the same database.
    const env = database ? { ...options.env, DATABASE_URL: database.url } : options.env
    let running: RunningServer
    try {
      running = await launch(dataDir, 0, docIdleMs, env, options.clock)
    } catch (error) {
      await dropData(dataDir, database?.schema)
      throw error
    }
    if (options.empty) return new TestServer(running, dataDir, docIdleMs, absent('acme'), absent('other'), env, options.clock, database?.schema)
    try {
      const hash = await hashedPassword()
      const acme = await createWorkspace(running.ctx, {
        accountName: 'Acme Support',
        agents: [
          { name: 'Alice Martin', email: 'alice@acme.test', password: PASSWORD, passwordHash: hash, role: 'admin' },
          { name: 'Bob Keller', email: 'bob@acme.test', password: PASSWORD, passwordHash: hash },
        ],
        teams: [{ name: 'Billing', memberEmails: ['alice@acme.test', 'bob@acme.test'] }],
        inboxes: [
          { name: 'API', channelType: 'api' },
          { name: 'Website', channelType: 'live_chat' },
        ],
      })
      const other = await createWorkspace(running.ctx, {
        accountName: 'Mallory Inc',
        // An administrator of her own account: the authorisation tests check that even that gives her
        // nothing of Acme's.
        agents: [{ name: 'Mallory Evans', email: 'mallory@other.test', password: PASSWORD, passwordHash: hash, role: 'admin' }],
        teams: [],
        inboxes: [{ name: 'API', channelType: 'api' }],
      })
      return new TestServer(
        running,
        dataDir,
        docIdleMs,
        {
          accountId: acme.accountId,
          alice: agentOf(acme, 'alice@acme.test'),
          bob: agentOf(acme, 'bob@acme.test'),
          team: acme.teams[0]!,
          apiInbox: inboxOf(acme, 'api'),
          websiteInbox: inboxOf(acme, 'live_chat'),
        },
        { accountId: other.accountId, mallory: agentOf(other, 'mallory@other.test'), apiInbox: inboxOf(other, 'api') },
        env,
        options.clock,
        database?.schema,
      )
    } catch (error) {
      await running.close()
      await dropData(dataDir, database?.schema)
      throw error
    }
  }

  private get server(): RunningServer {
    if (!this.running) throw new Error('the test server is not running')
    return this.running
  }

  get url(): string {
    return this.server.url
  }

  get port(): number {
    return this.server.port
  }

  /** `ws://127.0.0.1:<port>` */
  get wsUrl(): string {
    return this.url.replace(/^http/, 'ws')
  }

  /** The one-time setup code printed at start, when the database had no account. */
  get setupCode(): string | null {
    return this.server.setupCode
  }

  get ctx(): AppContext {
    return this.server.ctx
  }

  async request<T = unknown>(urlPath: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {}
    let body: string | undefined
    if (options.json !== undefined) body = JSON.stringify(options.json)
    if (options.body !== undefined) body = options.body
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (options.cookie) headers.cookie = options.cookie
    Object.assign(headers, options.headers)
    const response = await httpRequest(`${this.url}${urlPath}`, options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body)
    let parsed: unknown
    if (response.headers.get('content-type')?.includes('application/json')) parsed = JSON.parse(response.text)
    return { ...response, body: parsed as T }
  }

  /** A bearer token for scripts, as `POST /api/auth/tokens` makes it, minus the password check: that
   *  check is a 128 MiB scrypt of a few hundred ms, and tests ask for tokens by the hundred. The route
   *  itself is tested in http-authorisation and sign-in-limits. */
  async tokenFor(agent: TestAgent): Promise<string> {
    return this.ctx.auth.issue(agent, 'api', 'integration test')
  }

  /** The app's session cookie from `POST /api/auth/sign-in`, as a `Cookie` header value. */
  async cookieFor(agent: TestAgent): Promise<string> {
    const res = await this.request('/api/auth/sign-in', { json: { email: agent.email, password: agent.password } })
    const setCookie = res.headers.get('set-cookie') ?? ''
    const cookie = setCookie.match(/inbox_session=[^;]+/)?.[0]
    if (res.status !== 200 || !cookie) throw new Error(`sign-in of ${agent.email}: ${res.status} ${res.text}`)
    return cookie
  }

  /** An HTTP client acting as the agent (bearer token). */
  async clientFor(agent: TestAgent): Promise<AgentClient> {
    return new AgentClient(this, agent, await this.tokenFor(agent))
  }

  /** A customer writes through the API channel (Acme's API inbox unless another token is given). */
  async customerWrites(
    contact: ApiChannelMessage['contact'],
    body: string,
    inboxToken: string = this.acme.apiInbox.token,
  ): Promise<{ conversationId: string; messageId: string; contactId: string }> {
    const res = await this.request<{ conversationId: string; messageId: string; contactId: string }>(
      '/api/channels/api/messages',
      { token: inboxToken, json: { contact, body } },
    )
    if (res.status !== 201) throw new Error(`API channel message: ${res.status} ${res.text}`)
    return res.body
  }

  /** Closes the server (if running) and starts it again on the same port and DATA_DIR: tokens,
   *  sessions and everything written stay. */
  async restart(): Promise<void> {
    await this.stop()
    this.running = await launch(this.dataDir, this.lastPort, this.docIdleMs, this.env, this.clock)
  }

  /** Stops the server, keeping its data (a stopped server can be restarted). */
  async stop(): Promise<void> {
    const running = this.running
    this.running = null
    await running?.close()
  }

  /** Stops the server and deletes its temp dir (and its PostgreSQL schema); a peer only stops. */
  async close(): Promise<void> {
    await this.stop()
    if (!this.isPeer) await dropData(this.dataDir, this.schema)
  }

  /** Set on a peer: it shares the first server's data, which that server deletes. */
  private isPeer = false

  /** A second server process on the same database (same DATA_DIR, or the same PostgreSQL schema)
   *  and environment: with REDIS_URL in `env` the two form one service (issue 11). */
  async peer(): Promise<TestServer> {
    const running = await launch(this.dataDir, 0, this.docIdleMs, this.env, this.clock)
    const peer = new TestServer(running, this.dataDir, this.docIdleMs, this.acme, this.other, this.env, this.clock, this.schema)
    peer.isPeer = true
    return peer
  }
}

/** The HTTP API as one agent sees it; methods that must succeed throw with the answer otherwise. */
export class AgentClient {
  constructor(
    readonly server: TestServer,
    readonly agent: TestAgent,
    readonly token: string,
  ) {}

  request<T = unknown>(urlPath: string, options: Omit<RequestOptions, 'token'> = {}): Promise<ApiResponse<T>> {
    return this.server.request<T>(urlPath, { ...options, token: this.token })
  }

  async conversation(id: string): Promise<ConversationView> {
    return expectStatus(await this.request<ConversationView>(`/api/conversations/${id}`), 200)
  }

  async patch(id: string, patch: ConversationPatch): Promise<ConversationRow> {
    const res = await this.request<{ conversation: ConversationRow }>(`/api/conversations/${id}`, { method: 'PATCH', json: patch })
    return expectStatus(res, 200).conversation
  }

  postMessage(id: string, message: PostMessage): Promise<ApiResponse<PostMessageResult>> {
    return this.request<PostMessageResult>(`/api/conversations/${id}/messages`, { json: message })
  }

  async feedPage(after: number, limit?: number): Promise<FeedPage> {
    const query = limit === undefined ? `after=${after}` : `after=${after}&limit=${limit}`
    return expectStatus(await this.request<FeedPage>(`/api/feed?${query}`), 200)
  }

  /** Every feed entry after a seq, paging until caught up. */
  async feedAll(after = 0, limit = 500): Promise<{ entries: FeedEntry[]; cursor: number }> {
    const entries: FeedEntry[] = []
    let cursor = after
    for (;;) {
      const page = await this.feedPage(cursor, limit)
      entries.push(...page.entries)
      cursor = page.entries.at(-1)?.seq ?? cursor
      if (!page.hasMore) return { entries, cursor }
    }
  }
}

export function expectStatus<T>(res: ApiResponse<T>, status: number): T {
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${res.text}`)
  return res.body
}

/** Activity lines of a timeline, oldest first. */
export const activityLines = (view: ConversationView): string[] =>
  view.messages.filter((m) => m.kind === 'activity').map((m) => m.body)

/** One request on its own connection: a pooled keep-alive socket to a server that was just restarted
 *  would fail the next request ("other side closed") for reasons that are the client's, not ours. */
function httpRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; headers: Headers; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        const out = new Headers()
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) out.append(name, v)
        }
        resolve({ status: res.statusCode ?? 0, headers: out, text: Buffer.concat(chunks).toString('utf8') })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

function launch(dataDir: string, port: number, docIdleMs: number, env: Record<string, string> = {}, clock?: Clock): Promise<RunningServer> {
  return startServer(
    configFromEnv({
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO: '0',
      DOC_IDLE_MS: String(docIdleMs),
      SMTP_INBOUND_PORT: '0',
      STATIC_DIR: path.join(dataDir, 'no-static'),
    }),
    clock,
  )
}

async function dropData(dataDir: string, schema: string | undefined): Promise<void> {
  await rm(dataDir, { recursive: true, force: true })
  if (schema) await dropDatabase(schema)
}

/** Stands in for the workspaces of a server started empty: any use is a mistake of the test. */
const absent = <T extends object>(name: string): T =>
  new Proxy({} as T, {
    get: () => {
      throw new Error(`${name}: this TestServer was started empty (no accounts)`)
    },
  })

function agentOf(ws: CreatedWorkspace, email: string): TestAgent {
  const agent = ws.agents.find((a) => a.email === email)
  if (!agent) throw new Error(`no agent ${email}`)
  return { id: agent.id, accountId: agent.accountId, name: agent.name, email, password: PASSWORD }
}

function inboxOf(ws: CreatedWorkspace, channelType: 'api' | 'live_chat'): TestInbox {
  const inbox = ws.inboxes.find((i) => i.channelType === channelType)
  if (!inbox) throw new Error(`no ${channelType} inbox`)
  return { id: inbox.id, token: inbox.token }
}
