import type { Context, Next } from 'hono'
import type { ErrorBody } from '../../shared/schemas/api.ts'

// PostgreSQL cannot store the NUL character in text (SQLite can): a JSON body carrying one in any
// string is refused here with a 400 naming the field, on both backends alike, rather than a 500 from
// the database after validation passed.

const NUL = '\u0000'

/** The path of the first string (or key) holding a NUL, or null. */
export function nulPath(value: unknown, path: (string | number)[] = []): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path.join('.') || '(root)' : null
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulPath(item, [...path, i])
      if (found !== null) return found
    }
    return null
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes(NUL)) return [...path, key].join('.')
      const found = nulPath(item, [...path, key])
      if (found !== null) return found
    }
  }
  return null
}

export async function refuseNulCharacters(c: Context, next: Next): Promise<Response | void> {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || !c.req.header('content-type')?.includes('application/json')) return next()
  // Read once here; Hono keeps the body for the route's validator.
  const text = await c.req.text()
  if (!/\\u0000|\0/i.test(text)) return next()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return next()
  }
  const path = nulPath(parsed)
  if (path === null) return next()
  const message = 'text may not contain the NUL character (\\u0000)'
  return c.json({ error: `invalid request: ${path}`, fields: [{ path, message }] } satisfies ErrorBody, 400)
}
