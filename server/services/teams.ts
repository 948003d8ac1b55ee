import type { NewTeam, TeamPatch } from '../../shared/schemas/admin.ts'
import type { Team } from '../../shared/schemas/entities.ts'
import type { Store } from '../store/types.ts'
import type { Clock } from './clock.ts'
import type { ConversationService } from './conversations.ts'
import type { MessageService } from './messages.ts'
import type { Publish } from './publisher.ts'
import { AdminError } from './admin-errors.ts'

const badMember = () => new AdminError(400, 'every member must be an agent of this account', 'memberIds')
const notFound = () => new AdminError(404, 'team not found')

/** Teams of an account and their members. Deleting a team takes it off its conversations first, each
 *  with an activity line, through the doc path. */
export class TeamService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly conversations: ConversationService,
    private readonly messages: MessageService,
    private readonly publish: Publish,
  ) {}

  async create(accountId: string, input: NewTeam): Promise<Team> {
    const result = await this.store.admin.insertTeam({ id: this.clock.id(), accountId, name: input.name, memberIds: input.memberIds ?? [] })
    if (!result.ok) throw badMember()
    this.publish(accountId, result.entries)
    return result.team
  }

  async update(accountId: string, id: string, patch: TeamPatch): Promise<Team> {
    const result = await this.store.admin.updateTeam(accountId, id, patch)
    if (!result.ok) throw result.reason === 'bad_member' ? badMember() : notFound()
    this.publish(accountId, result.entries)
    return result.team
  }

  async remove(accountId: string, id: string): Promise<void> {
    const team = await this.store.admin.getTeam(accountId, id)
    if (!team) throw notFound()
    await this.unassign(accountId, team)
    const result = await this.store.admin.deleteTeam(accountId, id)
    if (!result.ok) throw notFound()
    this.publish(accountId, result.entries)
    // A conversation given to the team while it was being taken off the others.
    await this.unassign(accountId, team)
  }

  private async unassign(accountId: string, team: Team): Promise<void> {
    for (const conversationId of await this.store.admin.conversationsOfTeam(team.id)) {
      if (await this.conversations.clearIfStill(conversationId, 'team', team.id))
        await this.messages.addActivity(accountId, conversationId, `Team removed: the team ${team.name} was deleted`)
    }
  }
}
