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
/** A request that passed the schema but names something that does not fit (another account's agent). */
export class InvalidFieldError extends Error {
  readonly status = 400
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`)
  }
}
export type DomainError = NotFoundError | ForbiddenError | ConflictError | InvalidFieldError

export const isDomainError = (error: unknown): error is DomainError =>
  error instanceof NotFoundError ||
  error instanceof ForbiddenError ||
  error instanceof ConflictError ||
  error instanceof InvalidFieldError
