import type { FieldName, FieldValue } from '../../shared/conversation-doc.ts'
import { SYSTEM_AUTHOR } from '../../shared/conversation-doc.ts'
import type { WriteRecord } from '../db/records.ts'

export type WriteOutcome = 'pending' | 'standing' | 'lost' | 'superseded'

/**
 * What became of the agent's own write of a field, seen from the merged doc (DESIGN §4 rule 1: the
 * agent whose edit lost is told). Two writes that replaced the same predecessor were concurrent; if
 * the other one stands, ours lost. A write that replaced ours was made knowing it: no conflict.
 */
export function writeOutcome(mine: Pick<WriteRecord, 'writeId' | 'over'>, current: { writeId: string; over: string | null } | null): WriteOutcome {
  if (current === null) return 'pending'
  if (current.writeId === mine.writeId) return 'standing'
  if (current.over === mine.over) return 'lost'
  return 'superseded'
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
