import type { AttributeDefinition, AttributeType } from './schemas/attributes.ts'
import { ATTRIBUTE_KEY_PATTERN } from './schemas/attributes.ts'
import type { Contact } from './schemas/entities.ts'

// The rules of contact custom attributes, shared by the server (which enforces them) and the app
// (which checks an edit before queueing it, so an offline edit is not refused hours later).

type Attributes = Contact['attributes']
type Value = Attributes[string]

export const TEXT_MAX = 1000

/** The key a label gets when the administrator types none: "Customer since" -> customer_since. */
export function keyFromLabel(label: string): string {
  const slug = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
  // A key starts with a letter: "2nd phone" -> a_2nd_phone.
  const key = (/^[0-9]/.test(slug) ? `a_${slug}` : slug).slice(0, 50).replace(/_+$/, '')
  return ATTRIBUTE_KEY_PATTERN.test(key) ? key : ''
}

const isDate = (v: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false
  const d = new Date(`${v}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v
}

const isLink = (v: string): boolean => {
  try {
    const url = new URL(v)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

/** Why a value does not fit the type, or null when it does. null itself (clearing) always fits. */
export function valueProblem(type: AttributeType, value: Value): string | null {
  if (value === null) return null
  switch (type) {
    case 'text':
      return typeof value === 'string' && value.length <= TEXT_MAX ? null : `text of at most ${TEXT_MAX} characters`
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'a number'
    case 'date':
      return typeof value === 'string' && isDate(value) ? null : 'a date as YYYY-MM-DD'
    case 'link':
      // Only web links: a javascript: URL shown as a link would run on a click.
      return typeof value === 'string' && value.length <= 2000 && isLink(value) ? null : 'an http(s) link'
    case 'checkbox':
      return typeof value === 'boolean' ? null : 'true or false'
  }
}

export interface AttributeProblem {
  /** The request field: `set.<key>`. */
  field: string
  message: string
}

/** The first key that is not defined or whose value does not fit its type; null when all fit. */
export function setProblem(definitions: AttributeDefinition[], set: Attributes): AttributeProblem | null {
  const byKey = new Map(definitions.map((d) => [d.key, d]))
  for (const [key, value] of Object.entries(set)) {
    const definition = byKey.get(key)
    if (!definition) return { field: `set.${key}`, message: `${key} is not an attribute of this workspace` }
    const problem = valueProblem(definition.type, value)
    if (problem) return { field: `set.${key}`, message: `${definition.label} must be ${problem}` }
  }
  return null
}

/** Per key: the keys named take their new value (null removes one), the others stay as they are, so
 *  two agents editing different keys at once both keep their edit; on one key, the later write wins. */
export function mergeAttributes(current: Attributes, set: Attributes): Attributes {
  const merged: Attributes = { ...current }
  for (const [key, value] of Object.entries(set)) {
    if (value === null) delete merged[key]
    else merged[key] = value
  }
  return merged
}
