import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ZodError } from 'zod'
import type { ErrorBody, ReplyCollision, TooManyAttempts } from '../../shared/schemas/api.ts'
import { TooManyAttemptsError } from '../services/credential-limits.ts'
import { HashBusyError } from '../services/hash-slots.ts'
import { InvalidFieldError, ReplyCollisionError, isDomainError } from '../services/errors.ts'
import { AdminError } from '../services/admin-errors.ts'
import { IncompleteUpdateError, InvalidUpdateError, UnknownConversationError } from '../sync/doc-registry.ts'
import { DocTooLargeError } from '../sync/doc-limits.ts'

export const fieldErrors = (error: ZodError): ErrorBody['fields'] =>
  error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }))

/** A 4xx for anything the client got wrong, with the field named; a 500 (logged) only for our bugs. */
export function errorResponse(error: unknown, c: Context): Response {
  if (error instanceof HTTPException) {
    const status = error.status
    return c.json({ error: error.message || 'request rejected' } satisfies ErrorBody, status)
  }
  if (error instanceof ReplyCollisionError)
    return c.json({ error: error.message, code: 'reply_collision', messages: error.messages } satisfies ReplyCollision, 409)
  if (error instanceof InvalidFieldError)
    return c.json({ error: error.message, fields: [{ path: error.field, message: error.message }] } satisfies ErrorBody, 400)
  if (isDomainError(error)) return c.json({ error: error.message } satisfies ErrorBody, error.status)
  if (error instanceof TooManyAttemptsError) {
    c.header('Retry-After', String(error.retryAfterSeconds))
    return c.json({ error: error.message, retryAfterSeconds: error.retryAfterSeconds } satisfies TooManyAttempts, 429)
  }
  if (error instanceof HashBusyError) {
    c.header('Retry-After', String(error.retryAfterSeconds))
    return c.json({ error: error.message } satisfies ErrorBody, 503)
  }
  if (error instanceof AdminError) {
    const fields = error.field === undefined ? undefined : [{ path: error.field, message: error.message }]
    return c.json({ error: error.message, fields } satisfies ErrorBody, error.status)
  }
  if (error instanceof InvalidUpdateError) return c.json({ error: error.message } satisfies ErrorBody, 400)
  if (error instanceof IncompleteUpdateError) return c.json({ error: error.message } satisfies ErrorBody, 409)
  if (error instanceof DocTooLargeError) return c.json({ error: error.message } satisfies ErrorBody, 413)
  if (error instanceof UnknownConversationError) return c.json({ error: 'conversation not found' } satisfies ErrorBody, 404)
  console.error(`${c.req.method} ${c.req.path} failed`, error)
  return c.json({ error: 'internal error' } satisfies ErrorBody, 500)
}
