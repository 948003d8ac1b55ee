import type { Message } from '../../shared/schemas/entities.ts'

/** Domain errors the routes turn into HTTP answers; anything else is a 500. */
export class NotFoundError extends Error {
  readonly status = 404
}
export class ConflictError extends Error {
  readonly status = 409
}
/** The send guard held a reply (DESIGN §4 rule 6); the answer carries what its author has not seen. */
export class ReplyCollisionError extends Error {
  readonly status = 409
  constructor(readonly messages: Message[]) {
    super('newer messages arrived since this reply was written')
  }
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
export type DomainError = NotFoundError | ConflictError | InvalidFieldError

export const isDomainError = (error: unknown): error is DomainError =>
  error instanceof NotFoundError ||
  error instanceof ConflictError ||
  error instanceof InvalidFieldError
