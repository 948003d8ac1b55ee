/** Domain errors the routes turn into HTTP answers; anything else is a 500. */
export class NotFoundError extends Error {
  readonly status = 404
}
export class ForbiddenError extends Error {
  readonly status = 403
}
export class ConflictError extends Error {
  readonly status = 409
}
export type DomainError = NotFoundError | ForbiddenError | ConflictError

export const isDomainError = (error: unknown): error is DomainError =>
  error instanceof NotFoundError || error instanceof ForbiddenError || error instanceof ConflictError
