import { ApiError, NetworkError } from '../api/http.ts'

/** What to tell a person about a failed request: the server's own words when it answered. */
export function explainError(error: unknown, offline = 'The server cannot be reached. Check the connection and try again.'): string {
  if (error instanceof NetworkError) return offline
  if (error instanceof ApiError) {
    const field = error.body?.fields?.[0]
    // A validation answer's top line is generic ("invalid request"); the field's message is not.
    if (error.status === 400 && field) return `${field.path}: ${field.message}`
    return error.message
  }
  return (error as Error)?.message ?? String(error)
}

/** The first field the server named in its refusal (`emailAddress`, `code`…), if any. */
export function errorField(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null
  return error.body?.fields?.[0]?.path.split('.')[0] ?? null
}
