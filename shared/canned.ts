import { z } from 'zod'
import { Id, Timestamp } from './schemas/entities.ts'

// Canned responses: their schemas, the `/code` trigger in a composer, the search of the `/` list and
// the filling of `{{variables}}`. Pure: the client fills on insert, the tests check the rules here.

export const SHORT_CODE_MAX = 40
export const CANNED_CONTENT_MAX = 5_000

/** Lowercased before it is checked, so `Thanks` is stored as `thanks`. */
export const ShortCode = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(SHORT_CODE_MAX)
  .regex(/^[a-z0-9_-]+$/, 'lowercase letters, digits, "_" and "-" only')

export const CannedContent = z
  .string()
  .max(CANNED_CONTENT_MAX)
  .refine((s) => s.trim().length > 0, 'the content is empty')

/** As the API answers and the feed carries it. A deleted one stays in the feed as a tombstone, so a
 *  device that stored it removes it. Feed fields are not re-validated: the server is the authority. */
export const CannedResponse = z.object({
  id: Id,
  shortCode: z.string(),
  content: z.string(),
  updatedAt: Timestamp,
  deleted: z.boolean(),
})
export type CannedResponse = z.infer<typeof CannedResponse>

export const NewCannedResponse = z.object({ shortCode: ShortCode, content: CannedContent })
export type NewCannedResponse = z.infer<typeof NewCannedResponse>

export const CannedResponsePatch = z
  .object({ shortCode: ShortCode.optional(), content: CannedContent.optional() })
  .refine((p) => p.shortCode !== undefined || p.content !== undefined, 'nothing to change: give shortCode or content')
export type CannedResponsePatch = z.infer<typeof CannedResponsePatch>

// --- Variables -----------------------------------------------------------------------------------

/** What a composer knows when it inserts a canned response. Anything may be missing. */
export interface CannedContext {
  contact?: { name?: string | null; email?: string | null } | null
  agent?: { name?: string | null; email?: string | null } | null
  conversation?: { number?: number | null } | null
}

const firstName = (name: string | null | undefined): string | undefined => name?.trim().split(/\s+/)[0]

const VARIABLES = new Map<string, (c: CannedContext) => string | null | undefined>([
  ['contact.name', (c) => c.contact?.name],
  ['contact.first_name', (c) => firstName(c.contact?.name)],
  ['contact.email', (c) => c.contact?.email],
  ['agent.name', (c) => c.agent?.name],
  ['agent.first_name', (c) => firstName(c.agent?.name)],
  ['agent.email', (c) => c.agent?.email],
  ['conversation.number', (c) => (c.conversation?.number == null ? null : String(c.conversation.number))],
])

/** The variables a canned response may use, for the settings' help text. */
export const CANNED_VARIABLES: readonly string[] = [...VARIABLES.keys()]

/** `{{ name }}` or `{{ name | fallback }}`; a fallback holds no braces. Names are case-insensitive. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?:\|([^{}]*))?\}\}/g

/**
 * Fills a canned response's variables. A known variable with a value (not blank) becomes that value;
 * otherwise the fallback after `|` is used, or nothing. An unknown variable (a typo, `{{contact.phone}}`)
 * is treated the same way: its fallback or nothing. Braces never reach a customer, and the settings
 * list names unknown variables so the author can fix them. Values are inserted as they are: a contact
 * named `{{agent.name}}` is not filled a second time.
 */
export function fillCanned(content: string, context: CannedContext): string {
  return content.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
    const value = VARIABLES.get(name.toLowerCase())?.(context)?.trim()
    return value ? value : (fallback?.trim() ?? '')
  })
}

/** Variable names a content uses that are not known (lowercased, each once, in order of appearance). */
export function unknownVariables(content: string): string[] {
  const unknown = new Set<string>()
  for (const match of content.matchAll(PLACEHOLDER)) {
    const name = match[1]!.toLowerCase()
    if (!VARIABLES.has(name)) unknown.add(name)
  }
  return [...unknown]
}

// --- The `/` trigger and the list --------------------------------------------------------------

export interface SlashQuery {
  /** Index of the slash. */
  start: number
  /** End of the short code being typed (the caret, or further if the caret is inside it). */
  end: number
  /** What follows the slash, lowercased. */
  query: string
}

const CODE_CHAR = /[A-Za-z0-9_-]/

/**
 * The `/query` at the caret: a slash at the start of a line or after whitespace, followed by short-code
 * characters only. `and/or` and `https://…` do not open the list; a space after the code closes it.
 */
export function slashQueryAt(text: string, caret: number): SlashQuery | null {
  let start = caret
  while (start > 0 && CODE_CHAR.test(text[start - 1]!)) start--
  if (start === 0 || text[start - 1] !== '/') return null
  const slash = start - 1
  if (slash > 0 && !/\s/.test(text[slash - 1]!)) return null
  if (caret - start > SHORT_CODE_MAX) return null
  let end = caret
  while (end < text.length && CODE_CHAR.test(text[end]!)) end++
  return { start: slash, end, query: text.slice(start, caret).toLowerCase() }
}

/**
 * The canned responses matching what follows the slash: short codes that start with it first, then
 * short codes that contain it, then those whose content contains it; alphabetical within each.
 */
export function searchCanned<T extends { shortCode: string; content: string }>(items: readonly T[], query: string): T[] {
  const q = query.trim().toLowerCase()
  const rank = (item: T): number => {
    if (item.shortCode.startsWith(q)) return 0
    if (item.shortCode.includes(q)) return 1
    if (item.content.toLowerCase().includes(q)) return 2
    return 3
  }
  return items
    .map((item) => ({ item, rank: rank(item) }))
    .filter((r) => r.rank < 3)
    .sort((a, b) => a.rank - b.rank || a.item.shortCode.localeCompare(b.item.shortCode))
    .map((r) => r.item)
}
