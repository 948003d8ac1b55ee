import { onScopeDispose, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { effectiveStatus } from '../../shared/status-rules.ts'
import { useSessionStore } from '../stores/session.ts'
import { useKeyboardStore } from '../keyboard/keyboard-store.ts'
import { resolveShortcut, type ShortcutAction } from '../keyboard/keymap.ts'
import { findSearchField, keyTarget } from '../keyboard/key-target.ts'
import { stepCursor } from '../keyboard/list-cursor.ts'
import { useConversationActions } from './useConversationActions.ts'

/**
 * The inbox's keyboard shortcuts (client/keyboard/keymap.ts), on the window: installed once, by the
 * inbox view. Key events, not touch, so a tablet with a hardware keyboard gets them too.
 */
export function useKeyboardShortcuts() {
  const session = useSessionStore()
  const keyboard = useKeyboardStore()
  const actions = useConversationActions()
  const route = useRoute()
  const router = useRouter()
  const openId = () => (route.name === 'conversation' ? String(route.params.id) : null)

  // The cursor follows the conversation the agent opened, however it was opened.
  watch(openId, (id) => {
    if (id) keyboard.current = id
  }, { immediate: true })

  async function openRow() {
    const row = openId()
    return row ? ((await session.db!.conversations.get(row)) ?? null) : null
  }

  async function run(action: ShortcutAction, event: KeyboardEvent): Promise<void> {
    switch (action) {
      case 'leaveField':
        ;(event.target as HTMLElement).blur()
        return
      case 'next':
      case 'previous':
      {
        const rows = keyboard.searchRows ?? (keyboard.listShown() ? keyboard.rows : null)
        if (rows) keyboard.move(stepCursor(rows, keyboard.current, action === 'next' ? 1 : -1))
        return
      }
      case 'open':
        if (keyboard.current) await router.push({ name: 'conversation', params: { id: keyboard.current }, query: route.query })
        return
      case 'back':
        await router.push({ name: 'inbox', query: route.query })
        // Back on the list, on the row that was open: j/k go on from there.
        keyboard.move(keyboard.current)
        return
      case 'reply':
      case 'note':
      case 'snooze':
        keyboard.send(action)
        return
      case 'resolve': {
        const row = await openRow()
        if (!row) return
        await (effectiveStatus(row, Date.now()) === 'resolved' ? actions.reopen(row) : actions.resolve(row))
        return
      }
      case 'assignToMe': {
        const row = await openRow()
        if (row && row.assigneeId !== session.me!.id) await actions.assign(row.id, session.me!.id)
        return
      }
      case 'search':
        findSearchField()?.focus()
        return
      case 'help':
        keyboard.dialog = 'shortcuts'
        return
      case 'palette':
        keyboard.dialog = keyboard.dialog === 'palette' ? null : 'palette'
        return
    }
  }

  function onKeydown(event: KeyboardEvent) {
    const target = keyTarget(event.target)
    const action = resolveShortcut(event, { target, view: openId() ? 'conversation' : 'list' })
    if (!action) return
    // The key is the shortcut's: `/` is not typed into the search field, Ctrl+K is not the browser's.
    event.preventDefault()
    void run(action, event)
  }
  window.addEventListener('keydown', onKeydown)
  onScopeDispose(() => window.removeEventListener('keydown', onKeydown))
}
