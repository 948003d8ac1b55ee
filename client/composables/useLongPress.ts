const PRESS_MS = 500
const SLOP_PX = 10

/**
 * A long press with a finger (touch only: a mouse has the checkbox). The click that ends the press is
 * swallowed, so the row does not also open. Moving the finger (a scroll) cancels it.
 */
export function useLongPress(onPress: (key: string) => void) {
  let timer: ReturnType<typeof setTimeout> | null = null
  let origin: { x: number; y: number } | null = null
  let fired = false

  const cancel = () => {
    if (timer) clearTimeout(timer)
    timer = null
    origin = null
  }
  return {
    down(event: PointerEvent, key: string) {
      fired = false
      if (event.pointerType !== 'touch') return
      cancel()
      origin = { x: event.clientX, y: event.clientY }
      timer = setTimeout(() => {
        timer = null
        fired = true
        onPress(key)
      }, PRESS_MS)
    },
    move(event: PointerEvent) {
      if (origin && Math.hypot(event.clientX - origin.x, event.clientY - origin.y) > SLOP_PX) cancel()
    },
    up: cancel,
    /** True once for the click that ended a long press. */
    consumeClick(): boolean {
      const was = fired
      fired = false
      return was
    },
  }
}
