import { parseArgs } from 'node:util'
import { createContext } from '../app-context.ts'
import { configFromEnv } from '../config.ts'
import { systemClock } from '../services/clock.ts'
import { describeStore, openStore } from '../store/open-store.ts'
import { seedContacts } from './contacts.ts'
import { seedConversations } from './conversations.ts'
import { createRng } from './random.ts'
import { seedDemoWorkspace } from './seed.ts'
import type { CreatedWorkspace } from './workspace.ts'

// `npm run seed -- --conversations 10000`: fills the demo workspace (SQLite in DATA_DIR, or DATABASE_URL)
// for measuring (created first if the database is empty). Run it while the server is stopped.
const { values } = parseArgs({
  options: { conversations: { type: 'string', default: '10000' }, contacts: { type: 'string' }, seed: { type: 'string', default: '7' } },
})
const count = Number(values.conversations)
const contactCount = values.contacts ? Number(values.contacts) : Math.max(30, Math.round(count / 3))
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(contactCount) || contactCount < 1) {
  console.error('usage: npm run seed -- --conversations <n> [--contacts <n>] [--seed <n>]')
  process.exit(2)
}

const config = configFromEnv(process.env)
const store = await openStore(config)
const ctx = createContext(config, store, systemClock)
if ((await store.directory.countAccounts()) === 0) await seedDemoWorkspace(ctx)
const alice = await store.directory.findAgentByEmail('alice@example.com')
if (!alice) throw new Error('no demo workspace in this database (alice@example.com is missing)')

const workspace: CreatedWorkspace = {
  accountId: alice.accountId,
  agents: await Promise.all((await store.directory.listAgents(alice.accountId)).map(async (a) => (await store.directory.getAgent(a.id))!)),
  teams: await store.directory.listTeams(alice.accountId),
  inboxes: (await store.directory.listInboxes(alice.accountId)).map((inbox) => ({ ...inbox, token: '' })),
}
const started = performance.now()
const rng = createRng(Number(values.seed))
const contacts = await seedContacts(ctx, alice.accountId, { count: contactCount, rng })
const result = await seedConversations(ctx, workspace, { count, rng, contacts })
await ctx.docs.closeAll()
await store.close()
const seconds = ((performance.now() - started) / 1000).toFixed(1)
console.log(`Seeded ${contactCount} contacts, ${result.conversations} conversations, ${result.messages} messages in ${seconds} s (${describeStore(config)})`)
