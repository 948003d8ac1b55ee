// Bench entry for our server: the real startServer on a temp DATA_DIR (DEMO=0), one workspace, one
// agent, BENCH_ROOMS conversations and a bearer token from POST /api/auth/tokens. Restarted with
// BENCH_REUSE=1 on the same DATA_DIR and PORT, it creates nothing and reprints the same rooms.
import { rmSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { configFromEnv } from '../../server/config.ts'
import { createWorkspace } from '../../server/demo/workspace.ts'
import { startServer, type RunningServer } from '../../server/start.ts'
import type { SqliteStore } from '../../server/store/sqlite/sqlite-store.ts'
import { envInt, serveHook, type ReadyInfo } from './hook.ts'

const EMAIL = 'bench@bench.test'
const PASSWORD = 'bench password, not secret'

const dataDir = process.env.DATA_DIR
if (!dataDir) throw new Error('DATA_DIR is required')
const server = await startServer(
  configFromEnv({ ...process.env, HOST: '127.0.0.1', DEMO: '0', SMTP_INBOUND_PORT: '0', STATIC_DIR: path.join(dataDir, 'no-static') }),
)
const readyFile = path.join(dataDir, 'bench-ready.json')
// The durability variants (kinds.ts), priced in the same run as what ships: FULL fsyncs inside every
// commit instead of the group commit; none is NORMAL alone (before). Both skip the group commit.
const durability = process.env.BENCH_DURABILITY
if (durability === 'full' || durability === 'none') {
  const store = server.ctx.store as SqliteStore
  if (durability === 'full') store.db.pragma('synchronous = FULL')
  store.durable = () => Promise.resolve()
}

async function populate(s: RunningServer): Promise<ReadyInfo> {
  const ws = await createWorkspace(s.ctx, {
    accountName: 'Bench',
    agents: [{ name: 'Bench Agent', email: EMAIL, password: PASSWORD }],
    teams: [],
    inboxes: [{ name: 'API', channelType: 'api' }],
  })
  const contact = await s.ctx.contacts.findOrCreate(ws.accountId, { email: 'customer@bench.test' })
  const rooms: string[] = []
  for (let i = 0; i < envInt('BENCH_ROOMS', 100); i++) {
    const row = await s.ctx.conversations.create({ accountId: ws.accountId, inboxId: ws.inboxes[0]!.id, contactId: contact.id })
    rooms.push(`conv:${row.id}`)
  }
  const res = await fetch(`${s.url}/api/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD, label: 'bench' }),
  })
  if (res.status !== 201) throw new Error(`POST /api/auth/tokens: ${res.status} ${await res.text()}`)
  const { token } = (await res.json()) as { token: string }
  return { port: s.port, token, rooms }
}

const ready: ReadyInfo =
  process.env.BENCH_REUSE === '1'
    ? { ...(JSON.parse(await readFile(readyFile, 'utf8')) as ReadyInfo), port: server.port }
    : await populate(server)
const smtpPort = server.ctx.email.inboundPort
if (smtpPort !== null) ready.smtpPort = smtpPort
await writeFile(readyFile, JSON.stringify(ready))
// The bench removes DATA_DIR itself, unless it was killed: then the last child standing does.
serveHook(ready, () => server.ctx.docs.loadedCount, () => rmSync(dataDir, { recursive: true, force: true }))
