import type { AppContext } from '../app-context.ts'
import type { NewAttribute } from '../../shared/schemas/attributes.ts'
import { seedContacts } from './contacts.ts'
import { seedConversations } from './conversations.ts'
import { createRng } from './random.ts'
import { createWorkspace } from './workspace.ts'

export interface DemoCredentials {
  agentEmails: string[]
  password: string
  apiInboxToken: string
}

export const DEMO_PASSWORD = 'demo-password'

/** Canned responses of the demo workspace (type `/` in a reply to use them). */
const DEMO_CANNED = [
  { shortCode: 'thanks', content: 'Thanks for reaching out, {{contact.name | there}}! I am looking into it now.\n\n{{agent.name}}' },
  {
    shortCode: 'refund',
    content:
      'Hi {{contact.first_name | there}}, I have started your refund. It shows on your statement within 5-10 business days.\n\n{{agent.name}}',
  },
  {
    shortCode: 'shipping',
    content:
      'Hi {{contact.first_name | there}}, orders ship within 2 business days and you get a tracking link by email as soon as yours leaves us.\n\n{{agent.name}}',
  },
]

const DEMO_ATTRIBUTES: NewAttribute[] = [
  { label: 'Plan', type: 'text' },
  { label: 'Company', type: 'text' },
  { label: 'City', type: 'text' },
  { label: 'Customer since', type: 'date' },
  { label: 'Lifetime value', type: 'number' },
]

// Fixed seeds: the demo shows the same customers and histories on every run (times move with the clock).
const PEOPLE_SEED = 20240601
const CONVERSATION_SEED = 20240602

/**
 * The demo workspace `npm start` creates on an empty database (DEMO=0 skips it). It goes through the
 * same store methods, services and doc registry as live traffic, all in one transaction: one commit
 * instead of about 560, which on PostgreSQL on a busy machine took 34 s. A start that dies part-way
 * also leaves the database empty, to be seeded again, rather than with half a workspace.
 */
export function seedDemoWorkspace(ctx: AppContext): Promise<DemoCredentials> {
  return ctx.store.inOneTransaction(() => seedWorkspace(ctx))
}

async function seedWorkspace(ctx: AppContext): Promise<DemoCredentials> {
  const ws = await createWorkspace(ctx, {
    accountName: 'Acme Support',
    agents: [
      { name: 'Alice Martin', email: 'alice@example.com', password: DEMO_PASSWORD, role: 'admin' },
      { name: 'Bob Keller', email: 'bob@example.com', password: DEMO_PASSWORD },
      { name: 'Carol Nguyen', email: 'carol@example.com', password: DEMO_PASSWORD },
    ],
    teams: [
      { name: 'Billing', memberEmails: ['alice@example.com', 'carol@example.com'] },
      { name: 'Technical', memberEmails: ['bob@example.com', 'carol@example.com'] },
    ],
    inboxes: [
      { name: 'Website', channelType: 'live_chat' },
      { name: 'Email', channelType: 'email', settings: { emailAddress: 'support@acme.test' } },
      { name: 'API', channelType: 'api' },
    ],
  })
  const contacts = await seedContacts(ctx, ws.accountId, { count: 30, rng: createRng(PEOPLE_SEED) })
  await seedConversations(ctx, ws, { count: 60, rng: createRng(CONVERSATION_SEED), contacts })
  const alice = ws.agents.find((a) => a.email === 'alice@example.com')!
  for (const canned of DEMO_CANNED) await ctx.canned.create(alice, canned)
  // The demo customers carry these values (people.ts); vip and seats are left for an administrator to
  // define in Settings › Attributes, and their values then show at once.
  for (const attribute of DEMO_ATTRIBUTES) await ctx.attributes.create(ws.accountId, attribute)
  const api = ws.inboxes.find((i) => i.channelType === 'api')!
  return { agentEmails: ws.agents.map((a) => a.email), password: DEMO_PASSWORD, apiInboxToken: api.token }
}
