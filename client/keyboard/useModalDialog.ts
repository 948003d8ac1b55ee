import { onBeforeUnmount, onMounted, type Ref } from 'vue'

/**
 * A native modal `<dialog>` shown while the component is mounted: the browser traps focus in it,
 * makes the rest inert and closes it on Escape (`onClose`); focus returns to where it was.
 */
export function useModalDialog(dialog: Ref<HTMLDialogElement | null>, onClose: () => void) {
  let opener: HTMLElement | null = null
  const closed = () => onClose()
  onMounted(() => {
    opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    dialog.value?.addEventListener('close', closed)
    dialog.value?.showModal()
  })
  onBeforeUnmount(() => {
    dialog.value?.removeEventListener('close', closed)
    if (dialog.value?.open) dialog.value.close()
    if (opener?.isConnected) opener.focus({ preventScroll: true })
  })
}
