import { describe, expect, it } from 'vitest'
import { type NotificationToShow, notificationsToShow } from '../../../../client/push/background-notifications.ts'

const n = (id: string, createdAt: number, unread = true): NotificationToShow => ({
  id,
  title: `Alice mentioned you in #${id}`,
  body: '',
  path: `/conversations/${id}`,
  unread,
  createdAt,
})

describe('notificationsToShow', () => {
  it('shows new unread notifications only while the app is hidden', () => {
    expect(notificationsToShow([n('1', 100)], new Set(), 50, true).show.map((x) => x.id)).toEqual(['1'])
    expect(notificationsToShow([n('1', 100)], new Set(), 50, false).show).toEqual([])
  })

  it('handles each notification once: one that arrived while visible does not pop up later', () => {
    const visible = notificationsToShow([n('1', 100)], new Set(), 50, false)
    expect(visible.handled).toEqual(['1'])
    const later = notificationsToShow([n('2', 120), n('1', 100)], new Set(visible.handled), 50, true)
    expect(later.show.map((x) => x.id)).toEqual(['2'])
    expect(later.handled).toEqual(['2'])
    // The same list again (a read elsewhere re-emits it): nothing twice.
    expect(notificationsToShow([n('2', 120), n('1', 100)], new Set(['1', '2']), 50, true).show).toEqual([])
  })

  it('does not replay notifications from before the app started, nor read ones', () => {
    const { show, handled } = notificationsToShow([n('old', 10), n('read', 100, false), n('new', 100)], new Set(), 50, true)
    expect(show.map((x) => x.id)).toEqual(['new'])
    expect(handled).toEqual(['old', 'read', 'new'])
  })
})
