import type { FieldName, FieldValue } from '../../shared/conversation-doc.ts'
import { SYSTEM_AUTHOR } from '../../shared/conversation-doc.ts'
import type { WriteRecord } from '../db/records.ts'

export type WriteOutcome = 'pending' | 'standing' | 'lost' | 'superseded'

/**
 * What became of the agent's own write of a field, seen from the merged doc (DESIGN §4 rule 1: the
 * agent whose edit lost is told). Walking back from the winning value through the writes each one
 * replaced (`ancestry`, from the doc's write log): reaching ours means the winner was written knowing
 * it (superseded, no conflict); reaching the start without it means the two were concurrent (lost).
 * Where the log has been trimmed the walk cannot decide, and falls back to comparing predecessors.
 */
export function writeOutcome(
  mine: Pick<WriteRecord, 'writeId' | 'over'>,
  current: { writeId: string; over: string | null } | null,
  ancestry?: ReadonlyMap<string, string | null>,
): WriteOutcome {
  if (current === null) return 'pending'
  if (current.writeId === mine.writeId) return 'standing'
  if (ancestry) {
    let id = current.over
    for (let steps = 0; steps <= ancestry.size; steps++) {
      if (id === mine.writeId) return 'superseded'
      if (id === null) return 'lost'
      const before = ancestry.get(id)
      if (before === undefined) break
      id = before
    }
  }
  return current.over === mine.over ? 'lost' : 'superseded'
}

type Names = { agent: (id: string) => string; team: (id: string) => string }

/** The notice for a lost write, naming who won and with what. */
export function lostWriteNotice<F extends FieldName>(field: F, winner: FieldValue<F>, names: Names): string {
  const who = winner.by === SYSTEM_AUTHOR ? 'The server' : names.agent(winner.by)
  switch (field) {
    case 'assignee': {
      const value = (winner as FieldValue<'assignee'>).value
      if (value === null) return `${who} unassigned this at the same time, so it stays unassigned.`
      if (value === winner.by) return `${who} assigned this to themselves at the same time, so it stays with ${who}.`
      return `${who} assigned this to ${names.agent(value)} at the same time, so it stays with ${names.agent(value)}.`
    }
    case 'team': {
      const value = (winner as FieldValue<'team'>).value
      return value === null
        ? `${who} removed the team at the same time.`
        : `${who} assigned this to team ${names.team(value)} at the same time, so team ${names.team(value)} keeps it.`
    }
    case 'priority':
      return `${who} set the priority to ${(winner as FieldValue<'priority'>).value} at the same time, so that stands.`
    default: {
      const value = (winner as FieldValue<'status'>).value
      const verb = { open: 'reopened this', pending: 'marked this as pending', snoozed: 'snoozed this', resolved: 'resolved this' }[value]
      return `${who} ${verb} at the same time, so it stays ${value}.`
    }
  }
}
