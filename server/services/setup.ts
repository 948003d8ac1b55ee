import { randomInt } from 'node:crypto'
import type { SetupRequest } from '../../shared/schemas/admin.ts'
import type { Agent } from '../../shared/schemas/entities.ts'
import type { Store } from '../store/types.ts'
import type { AuthService } from './auth.ts'
import type { Clock } from './clock.ts'
import type { Publish } from './publisher.ts'
import { AdminError } from './admin-errors.ts'
import { hashPassword, hashToken } from './secrets.ts'

// No 0/O, 1/I/L: the code is read off a terminal and typed.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

/** Dashes, spaces and case do not matter when the code is typed back. */
const normalise = (code: string): string => code.toUpperCase().replace(/[^A-Z0-9]/g, '')

export const WRONG_CODE = 'That setup code is not right. Use the code the server printed at start.'
export const WORKSPACE_EXISTS = 'The workspace already exists. Sign in instead.'

/**
 * A code this old is replaced by the next process to start: a code that sat in logs for days should
 * not still open the workspace, yet a restart the same day prints the code already given out.
 */
export const SETUP_CODE_REPLACED_AFTER_MS = 24 * 60 * 60 * 1000

/**
 * First run without the demo: the server prints a one-time code at start, and whoever types it in
 * creates the workspace and becomes its first administrator. Every process of the service prints the
 * same code (issue 11): the first to start makes it and stores it, the others read it. It is stored
 * in the clear so that they can print it (a process has no secret of its own to seal it with); it
 * lives only while no workspace exists and setup deletes it. The check compares hashes; the store
 * checks "no account yet" and the code in the transaction that creates the account, so a second
 * attempt, even a concurrent one, is refused.
 */
export class SetupService {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    private readonly publish: Publish,
  ) {}

  async needed(): Promise<boolean> {
    return (await this.store.directory.countAccounts()) === 0
  }

  /** The code to print: the stored one, or a new one when there is none or it is a day old (the old
   *  one then dies); null when a workspace exists. */
  async code(): Promise<string | null> {
    if (!(await this.needed())) return null
    const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')
    const fresh = `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`
    const now = this.clock.now()
    return this.store.admin.setupCode({ code: fresh, codeHash: hashToken(normalise(fresh)) }, now, now - SETUP_CODE_REPLACED_AFTER_MS)
  }

  /** The workspace and its administrator, signed in: the answer's token is their session. */
  async setUp(input: SetupRequest): Promise<{ agent: Agent; token: string }> {
    if (!(await this.needed())) throw new AdminError(409, WORKSPACE_EXISTS)
    // Before the password is hashed (hundreds of ms, 128 MiB): a wrong code costs the server nothing.
    if (!(await this.store.admin.setupCodeMatches(hashToken(normalise(input.code))))) throw new AdminError(403, WRONG_CODE, 'code')
    const agentId = this.clock.id()
    const accountId = this.clock.id()
    const result = await this.store.admin.setUp(
      {
        codeHash: hashToken(normalise(input.code)),
        accountId,
        accountName: input.workspaceName,
        agent: { id: agentId, name: input.name, email: input.email.toLowerCase(), role: 'admin', passwordHash: await hashPassword(input.password) },
      },
      this.clock.now(),
    )
    if (!result.ok) throw result.reason === 'exists' ? new AdminError(409, WORKSPACE_EXISTS) : new AdminError(403, WRONG_CODE, 'code')
    this.publish(accountId, result.entries)
    return { agent: result.agent, token: await this.auth.issue({ id: agentId }, 'session') }
  }
}
