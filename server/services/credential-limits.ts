import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'

/** What a limiter is made of: its key prefix, points and window. */
export type LimiterOptions = ConstructorParameters<typeof RateLimiterMemory>[0]
import { tooManyAttemptsMessage } from '../../shared/try-again.ts'

/** The attempts are used up: answered 429 with Retry-After and the same words the app shows. */
export class TooManyAttemptsError extends Error {
  readonly status = 429
  constructor(readonly retryAfterSeconds: number) {
    super(tooManyAttemptsMessage(retryAfterSeconds))
  }
}

export interface CredentialLimitSettings {
  /** Failed attempts one client address may make in a window, whatever the email. */
  perAddress: number
  /** Failed attempts against one email (or other subject) in a window, from any address. */
  perSubject: number
  windowSeconds: number
}

/** Who is trying what: the client's address (clientAddress(c)), and what is being guessed, e.g. the
 *  lower-cased email; 'setup' for the setup code. No subject: only the address is limited. */
export interface AttemptKeys {
  address: string
  subject?: string
}

/**
 * Limits guessing of passwords and codes. Every attempt takes a point from its address and its subject
 * BEFORE the check runs (so fifty parallel guesses cannot all pass a "not yet blocked" test); a success
 * gives the address its point back and clears the subject, so the owner's sign-in resets the count
 * that failures from elsewhere built up, and a block never outlives its window.
 * rate-limiter-flexible's memory limiter by default (one process); with REDIS_URL the cluster passes
 * a factory of Redis limiters (server/cluster/), so the count is shared by every process.
 */
export class CredentialLimits {
  private readonly byAddress: RateLimiterAbstract
  private readonly bySubject: RateLimiterAbstract

  constructor(
    readonly settings: CredentialLimitSettings,
    limiter: (options: LimiterOptions) => RateLimiterAbstract = (options) => new RateLimiterMemory(options),
  ) {
    this.byAddress = limiter({ keyPrefix: 'address', points: settings.perAddress, duration: settings.windowSeconds })
    this.bySubject = limiter({ keyPrefix: 'subject', points: settings.perSubject, duration: settings.windowSeconds })
  }

  /**
   * Runs `check` (a password or code verification) if the keys have attempts left, else throws
   * TooManyAttemptsError. `check` answers null or false for a failure, anything else for a success.
   * If it throws (the hash queue is full, the store failed) nothing was learnt, and nothing is counted.
   */
  async attempt<T>(keys: AttemptKeys, check: () => Promise<T | null | false>): Promise<T | null | false> {
    const subject = keys.subject?.trim().toLowerCase()
    await take(this.byAddress, keys.address)
    // Blocked on the subject: the address keeps the point it spent (it is still guessing).
    if (subject !== undefined) await take(this.bySubject, subject)
    let result: T | null | false
    try {
      result = await check()
    } catch (error) {
      await this.byAddress.reward(keys.address, 1)
      if (subject !== undefined) await this.bySubject.reward(subject, 1)
      throw error
    }
    if (result !== null && result !== false) {
      await this.byAddress.reward(keys.address, 1)
      if (subject !== undefined) await this.bySubject.delete(subject)
    }
    return result
  }
}

async function take(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key, 1)
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw new TooManyAttemptsError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)))
    throw rejection
  }
}
