import type { CannedResponse, CannedResponsePatch, NewCannedResponse } from '../../shared/canned.ts'
import type { CannedWrite } from '../store/canned.ts'
import type { AgentRecord, Store } from '../store/types.ts'
import type { Clock } from './clock.ts'
import { ConflictError, NotFoundError } from './errors.ts'
import type { Publish } from './publisher.ts'

/** A short code already used in the account; the route answers 409 naming the field. */
export class ShortCodeTakenError extends ConflictError {
  readonly field = 'shortCode'
  constructor(shortCode: string) {
    super(`shortCode: "/${shortCode}" is already used by another canned response`)
  }
}

/**
 * Canned responses of the agent's account. Any agent of the account may manage them (they are the
 * team's shared phrases). Every change is published on the feed, which is how devices get them.
 */
export class CannedService {
  constructor(
    private readonly store: Store,
    private readonly publish: Publish,
    private readonly clock: Clock,
  ) {}

  list(agent: AgentRecord): Promise<CannedResponse[]> {
    return this.store.canned.list(agent.accountId)
  }

  async create(agent: AgentRecord, input: NewCannedResponse): Promise<CannedResponse> {
    const write = await this.store.canned.insert({
      id: this.clock.id(),
      accountId: agent.accountId,
      shortCode: input.shortCode,
      content: input.content,
      createdBy: agent.id,
      updatedAt: this.clock.now(),
    })
    return this.done(agent, write, input.shortCode)
  }

  async update(agent: AgentRecord, id: string, patch: CannedResponsePatch): Promise<CannedResponse> {
    const write = await this.store.canned.update(agent.accountId, id, patch, this.clock.now())
    return this.done(agent, write, patch.shortCode ?? '')
  }

  async remove(agent: AgentRecord, id: string): Promise<void> {
    await this.done(agent, await this.store.canned.remove(agent.accountId, id, this.clock.now()), '')
  }

  private done(agent: AgentRecord, write: CannedWrite, shortCode: string): CannedResponse {
    if (write.ok) {
      this.publish(agent.accountId, write.entries)
      return write.canned
    }
    if (write.reason === 'short_code_taken') throw new ShortCodeTakenError(shortCode)
    throw new NotFoundError('canned response not found')
  }
}
