import { onScopeDispose, shallowRef, watch } from 'vue'
import type { Attachment } from '../../shared/schemas/entities.ts'
import type { InboxDatabase } from '../db/database.ts'
import type { UploadRecord } from '../db/records.ts'
import { filesOf } from '../sync/uploads.ts'
import { useLiveQuery } from './useLiveQuery.ts'

/** A file as the UI shows it, whether the server serves it or it still waits on the device. */
export interface ShownFile {
  id: string
  name: string
  contentType: string
  size: number
  url: string
  /** Still on the device only (an object URL of its Blob). */
  local: boolean
}

/** The types shown as a preview: those the server serves inline as images (never SVG, which it
 *  serves as a download). */
export const isPreviewable = (contentType: string): boolean => /^image\/(png|jpeg|gif|webp|avif)$/.test(contentType)

/** "812 B", "4.2 kB", "12 MB", in units of 1024 like the limit ("40 MB" is 40 × 1024 × 1024 bytes),
 *  so that a file shown as 40.5 MB is indeed one the limit refuses. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'kB'] : [bytes / (1024 * 1024), 'MB']
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`
}

/** A message's files, fetched from the server with the session cookie (same origin). */
export const servedFiles = (attachments: Attachment[] | undefined): ShownFile[] =>
  (attachments ?? []).map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, size: a.size, url: `/api/attachments/${a.id}`, local: false }))

/**
 * The files waiting on the device under `owner` (a composer's draft or an outbox item), live, each
 * with an object URL of its Blob. URLs are made once per file and revoked when the file goes or the
 * component that shows it does.
 */
export function useAttachmentsLocal(db: InboxDatabase, owner: () => string) {
  const urls = new Map<string, string>()
  const files = shallowRef<ShownFile[]>([])
  const records = useLiveQuery(() => filesOf(db, owner()), [owner], [] as UploadRecord[])

  watch(
    records.data,
    (list) => {
      const present = new Set(list.map((r) => r.id))
      for (const [id, url] of urls) {
        if (present.has(id)) continue
        URL.revokeObjectURL(url)
        urls.delete(id)
      }
      files.value = list.map((r) => {
        let url = urls.get(r.id)
        if (!url) urls.set(r.id, (url = URL.createObjectURL(r.blob)))
        return { id: r.id, name: r.name, contentType: r.contentType, size: r.size, url, local: true }
      })
    },
    { immediate: true },
  )
  onScopeDispose(() => {
    for (const url of urls.values()) URL.revokeObjectURL(url)
    urls.clear()
  })
  return files
}
