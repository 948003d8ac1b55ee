import type { Contact } from '../../shared/schemas/entities.ts'
import type { Rng } from './random.ts'

// The demo's customers: hand-picked names, companies and cities, so the contact panel reads like a
// real one. Past the hand-picked list (a large generated workspace), names are recombined and the
// email gets a number to stay unique.

export interface PersonSeed {
  name: string
  email: string
  attributes: Contact['attributes']
}

export type Plan = 'Free' | 'Starter' | 'Pro' | 'Enterprise'

/** [name, company or null for a private customer, city or null when unknown] */
const PEOPLE: readonly [string, string | null, string | null][] = [
  ['Emma Schneider', 'Northwind Traders', 'Berlin'],
  ['Liam O\'Connor', null, 'Dublin'],
  ['Sofia Rossi', 'Bellavista Ceramics', 'Milan'],
  ['Noah Williams', 'Brightline Logistics', 'Chicago'],
  ['Yuki Tanaka', 'Kumo Games', 'Osaka'],
  ['Mateo García', null, 'Madrid'],
  ['Olivia Brown', 'Maple & Oak Interiors', 'Toronto'],
  ['Lucas Dubois', 'Atelier Lumière', 'Lyon'],
  ['Amara Okafor', 'Sunrise Health', 'Lagos'],
  ['Ethan Clarke', null, 'Manchester'],
  ['Hannah Müller', 'Alpenblick Hotels', 'Munich'],
  ['Priya Sharma', 'Quantive Analytics', 'Bengaluru'],
  ['Jonas Andersson', 'Fjord Outdoor', 'Stockholm'],
  ['Chloé Martin', null, 'Paris'],
  ['Daniel Kim', 'Hanbit Studio', 'Seoul'],
  ['Isabella Costa', 'Verde Market', 'Lisbon'],
  ['Mohammed Al-Farsi', 'Desert Rose Travel', 'Dubai'],
  ['Grace Thompson', null, null],
  ['Felix Wagner', 'Wagner Bikes', 'Vienna'],
  ['Ava Johnson', 'Pinecrest Dental', 'Denver'],
  ['Tomás Novák', 'Vltava Software', 'Prague'],
  ['Mia Jensen', null, 'Copenhagen'],
  ['Oliver Smith', 'Harbor Coffee Roasters', 'Seattle'],
  ['Zoe Papadopoulos', 'Aegean Yachting', 'Athens'],
  ['Lena Kowalski', 'Kraków Print House', 'Kraków'],
  ['Samuel Mensah', null, 'Accra'],
  ['Charlotte Evans', 'Evans & Reed Legal', 'London'],
  ['Diego Fernández', 'Pampa Foods', 'Buenos Aires'],
  ['Aisha Rahman', 'Lotus Yoga Studios', 'Singapore'],
  ['William Chen', 'Redwood Robotics', 'San Francisco'],
]

const PRIVATE_DOMAINS = ['gmail.com', 'outlook.com', 'proton.me', 'icloud.com']
const DAY = 24 * 3600 * 1000

/** ASCII, lowercase, letters and digits only: "Müller" -> "muller", "O'Connor" -> "oconnor". */
const slug = (text: string): string =>
  text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '')

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

function attributesFor(company: string | null, city: string | null, now: number, rng: Rng): Contact['attributes'] {
  const plan: Plan = company
    ? rng.weighted({ Starter: 3, Pro: 5, Enterprise: 2 })
    : rng.weighted({ Free: 5, Starter: 3, Pro: 1 })
  const monthly = { Free: 0, Starter: 19, Pro: 49, Enterprise: 400 }[plan]
  // At least three months: contacts enter the inbox 31-90 days ago (contacts.ts), as customers already.
  const monthsAsCustomer = rng.int(3, 48)
  const seats = company ? rng.int(plan === 'Enterprise' ? 25 : 2, plan === 'Enterprise' ? 400 : 20) : null
  const lifetimeValue = monthly * monthsAsCustomer * (plan === 'Enterprise' ? Math.ceil((seats ?? 1) / 25) : 1)
  return {
    plan,
    company,
    city,
    customer_since: isoDate(now - monthsAsCustomer * 30 * DAY - rng.int(0, 29) * DAY),
    lifetime_value: lifetimeValue,
    seats,
    vip: plan === 'Enterprise' || lifetimeValue > 5000 || rng.chance(0.05),
  }
}

/** `count` customers: the hand-picked ones first, then recombinations. Deterministic for one rng. */
export function buildPeople(count: number, now: number, rng: Rng): PersonSeed[] {
  const people: PersonSeed[] = []
  const emails = new Set<string>()
  for (let i = 0; i < count; i++) {
    const [baseName, company, city] = PEOPLE[i % PEOPLE.length]!
    const name =
      i < PEOPLE.length
        ? baseName
        : `${baseName.split(' ')[0]} ${PEOPLE[(i * 7 + Math.floor(i / PEOPLE.length)) % PEOPLE.length]![0].split(' ').slice(1).join(' ')}`
    const [first = '', ...rest] = name.split(' ')
    const domain = company ? `${slug(company)}.com` : rng.pick(PRIVATE_DOMAINS)
    let email = `${slug(first)}.${slug(rest.join(''))}@${domain}`
    for (let n = 2; emails.has(email); n++) email = `${slug(first)}.${slug(rest.join(''))}${n}@${domain}`
    emails.add(email)
    people.push({ name, email, attributes: attributesFor(company, city, now, rng) })
  }
  return people
}

export const firstName = (name: string): string => name.split(' ')[0] ?? name
