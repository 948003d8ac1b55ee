import { computed, reactive, ref } from 'vue'
import { MAX_ATTACHMENTS_PER_MESSAGE } from '../../shared/schemas/entities.ts'
import { useDeviceStore } from '../stores/device.ts'
import { useSessionStore } from '../stores/session.ts'
import { addDraftFiles, draftKey, removeFile, type ChosenFile } from '../sync/uploads-queue.ts'
import type { Admission } from '../sync/uploads.ts'
import { useAttachmentsLocal } from './useAttachmentsLocal.ts'

const quoted = (files: { name: string }[]): string => files.map((f) => `“${f.name}”`).join(', ')

/** What the agent is told when chosen files do not fit; '' when all did. */
export function refusalMessage(admission: Pick<Admission<{ name: string }>, 'tooLarge' | 'overLimit'>): string {
  const parts: string[] = []
  const big = admission.tooLarge
  if (big.length === 1) parts.push(`${quoted(big)} is larger than 40 MB and was not added.`)
  else if (big.length > 1) parts.push(`${quoted(big)} are larger than 40 MB and were not added.`)
  const over = admission.overLimit.length
  if (over > 0)
    parts.push(`A message can carry at most ${MAX_ATTACHMENTS_PER_MESSAGE} files: ${over} ${over === 1 ? 'file was' : 'files were'} not added (${quoted(admission.overLimit)}).`)
  return parts.join(' ')
}

/**
 * The files chosen in a composer (Reply or Note) for its next message: by the picker, dropped onto
 * the composer or pasted. They are kept on the device at once (see uploads-queue.ts), so they survive
 * a reload like the draft's text, and leave with the message when it is queued.
 */
export function useAttachmentsPicker(kind: 'reply' | 'note', conversationId: () => string) {
  const session = useSessionStore()
  const device = useDeviceStore()
  const db = session.db!
  const key = () => draftKey(kind, conversationId())
  const files = useAttachmentsLocal(db, key)
  const error = ref('')
  const dragging = ref(false)
  const count = computed(() => files.value.length)
  // Files can come back from a held reply ("Edit") on top of new ones: then some must be removed first.
  const overLimit = computed(() => count.value > MAX_ATTACHMENTS_PER_MESSAGE)

  async function add(list: Iterable<File>): Promise<void> {
    const chosen: ChosenFile[] = [...list].map((f) => ({ name: f.name, type: f.type, size: f.size, blob: f }))
    if (chosen.length === 0) return
    try {
      error.value = refusalMessage(await addDraftFiles(db, key(), chosen, Date.now()))
    } catch (e) {
      error.value = device.check(e) ? 'The device is full: the files could not be kept.' : 'The files could not be kept on this device.'
    }
  }

  const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false

  return reactive({
    files,
    error,
    dragging,
    count,
    overLimit,
    add,
    remove(id: string) {
      error.value = ''
      return removeFile(db, id)
    },
    /** Whether the message may be sent: text or files, and not over the limit. */
    canSend: (hasText: boolean) => (hasText || count.value > 0) && !overLimit.value,
    dragOver(event: DragEvent) {
      if (!hasFiles(event)) return
      event.preventDefault()
      event.dataTransfer!.dropEffect = 'copy'
      dragging.value = true
    },
    dragLeave(event: DragEvent) {
      const to = event.relatedTarget as Node | null
      if (!to || !(event.currentTarget as Node).contains(to)) dragging.value = false
    },
    drop(event: DragEvent) {
      dragging.value = false
      if (!hasFiles(event)) return
      event.preventDefault()
      void add(event.dataTransfer!.files)
    },
    /** A pasted image or file is attached; pasted text is left to the editor. */
    paste(event: ClipboardEvent) {
      const pasted = event.clipboardData?.files
      if (!pasted || pasted.length === 0) return
      event.preventDefault()
      void add(pasted)
    },
  })
}

export type AttachmentsPicker = ReturnType<typeof useAttachmentsPicker>
