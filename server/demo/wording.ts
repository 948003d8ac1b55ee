import type { Contact } from '../../shared/schemas/entities.ts'
import { firstName } from './people.ts'
import type { Rng } from './random.ts'

// Fills a story's placeholders for one conversation: the customer's name and plan, and made-up but
// consistent order numbers, amounts and references (the same {order} throughout one conversation).

export type Vars = Record<string, string>

const PRICE: Record<string, number> = { Starter: 19, Pro: 49, Enterprise: 400 }
const CARRIERS = ['DHL', 'UPS', 'FedEx', 'DPD', 'GLS']

export function varsFor(contact: Contact, agentName: string | null, rng: Rng): Vars {
  const attributePlan = contact.attributes['plan']
  // Stories about charges need a paid plan; a Free customer is writing about the paid plan they tried.
  const plan = typeof attributePlan === 'string' && attributePlan in PRICE ? attributePlan : 'Starter'
  const seats = contact.attributes['seats']
  return {
    first: firstName(contact.name),
    agent: agentName ? firstName(agentName) : 'the team',
    plan,
    amount: `$${PRICE[plan]!.toFixed(2)}`,
    order: `#${rng.int(10_000, 99_999)}`,
    invoice: `INV-${rng.int(2_000, 9_999)}`,
    last4: String(rng.int(1_000, 9_999)),
    ticket: `ENG-${rng.int(1_000, 4_999)}`,
    request: `req_${Math.floor(rng.next() * 0xffffffff).toString(16).padStart(8, '0')}`,
    carrier: rng.pick(CARRIERS),
    seats: String(typeof seats === 'number' ? seats : rng.int(5, 60)),
  }
}

/** Replaces {name} placeholders; an unknown one is a mistake in a story, so it fails loudly. */
export function fill(template: string, vars: Vars): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = vars[name]
    if (value === undefined) throw new Error(`story placeholder {${name}} has no value`)
    return value
  })
}
