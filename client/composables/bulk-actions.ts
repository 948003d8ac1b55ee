import type { ConversationRecord } from '../db/records.ts'
import type { stateActions } from './useConversationActions.ts'

export type BulkAction =
  | { kind: 'resolve' }
  | { kind: 'assign'; agentId: string | null }
  | { kind: 'snooze'; until: number }
  | { kind: 'label'; label: string }

/**
 * Applies one action to each selected conversation, as the single action would: one doc edit each,
 * stored dirty and pushed by the same path, so offline they wait like any edit and each is synced
 * on its own. One after another, so a failure (a doc refused for size) stops only its own edit.
 */
export async function applyToEach(
  actions: ReturnType<typeof stateActions>,
  rows: ConversationRecord[],
  action: BulkAction,
): Promise<{ done: string[]; failed: string[] }> {
  const done: string[] = []
  const failed: string[] = []
  for (const row of rows) {
    try {
      if (action.kind === 'resolve') await actions.resolve(row)
      else if (action.kind === 'assign') await actions.assign(row.id, action.agentId)
      else if (action.kind === 'snooze') await actions.snooze(row, action.until)
      else await actions.addLabel(row.id, action.label)
      done.push(row.id)
    } catch {
      failed.push(row.id)
    }
  }
  return { done, failed }
}
