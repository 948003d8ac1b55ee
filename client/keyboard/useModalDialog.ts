import { onBeforeUnmount, onMounted, type Ref } from 'vue'

/**
 * A native modal `<dialog>` shown while the component is mounted: the browser traps focus in it,
 * makes the rest inert and closes it on Escape (`onClose`), as does a tap on the backdrop; focus
 * returns to where it was.
 */
export function useModalDialog(dialog: Ref<HTMLDialogElement | null>, onClose: () => void) {
  let opener: HTMLElement | null = null
  const closed = () => onClose()
  // A click on the backdrop targets the dialog element itself, outside its box.
  const backdrop = (event: MouseEvent) => {
    const box = dialog.value?.getBoundingClientRect()
    if (!box || event.target !== dialog.value) return
    const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom
    if (!inside) onClose()
  }
  onMounted(() => {
    opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    dialog.value?.addEventListener('close', closed)
    dialog.value?.addEventListener('click', backdrop)
    dialog.value?.showModal()
  })
  onBeforeUnmount(() => {
    dialog.value?.removeEventListener('close', closed)
    dialog.value?.removeEventListener('click', backdrop)
    if (dialog.value?.open) dialog.value.close()
    if (opener?.isConnected) opener.focus({ preventScroll: true })
  })
}
