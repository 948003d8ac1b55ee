import { describe, expect, it } from 'vitest'
import { ListPresence } from '../../../../server/cluster/list-presence.ts'

// What a process's lists were told, by which process holds each agent: when a process departs, its
// agents leave those lists, and nobody else's do.

describe('ListPresence', () => {
  it('takes out the agents only the departed process held, and forgets emptied conversations', () => {
    const list = new ListPresence()
    list.record('acct', { conversationId: 'c1', agents: [{ id: 'alice', activity: 'replying' }, { id: 'carol', activity: 'viewing' }] }, { alice: ['A'], carol: ['C'] }, 'B')
    list.record('acct', { conversationId: 'c2', agents: [{ id: 'alice', activity: 'noting' }] }, undefined, 'A')
    list.record('acct', { conversationId: 'c3', agents: [{ id: 'bob', activity: 'viewing' }] }, undefined, 'B')

    expect(list.departed('A')).toEqual([
      { accountId: 'acct', presence: { conversationId: 'c1', agents: [{ id: 'carol', activity: 'viewing' }] } },
      { accountId: 'acct', presence: { conversationId: 'c2', agents: [] } },
    ])
    expect(list.departed('A')).toEqual([])
    expect(list.departed('C')).toEqual([{ accountId: 'acct', presence: { conversationId: 'c1', agents: [] } }])
  })

  it('an agent with sockets on a live process as well stays', () => {
    const list = new ListPresence()
    list.record('acct', { conversationId: 'c1', agents: [{ id: 'alice', activity: 'replying' }] }, { alice: ['A', 'C'] }, 'C')
    expect(list.departed('A')).toEqual([])
    expect(list.departed('C')).toEqual([{ accountId: 'acct', presence: { conversationId: 'c1', agents: [] } }])
  })

  it('the latest push about a conversation replaces what was told before', () => {
    const list = new ListPresence()
    list.record('acct', { conversationId: 'c1', agents: [{ id: 'alice', activity: 'viewing' }] }, undefined, 'A')
    list.record('acct', { conversationId: 'c1', agents: [] }, undefined, 'A')
    expect(list.departed('A')).toEqual([])
    list.record('acct', { conversationId: 'c1', agents: [{ id: 'alice', activity: 'viewing' }] }, undefined, 'A')
    list.record('acct', { conversationId: 'c1', agents: [{ id: 'alice', activity: 'viewing' }] }, undefined, 'C')
    expect(list.departed('A')).toEqual([])
  })
})
