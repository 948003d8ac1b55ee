import type { Priority } from '../../shared/conversation-doc.ts'

export const priorityLabel: Record<Priority, string> = {
  none: 'None',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  urgent: 'Urgent',
}

/** The select's order: as a person reads a scale, nothing first. */
export const PRIORITIES: Priority[] = ['none', 'low', 'medium', 'high', 'urgent']
