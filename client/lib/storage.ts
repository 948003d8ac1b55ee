/** IndexedDB reports a full device as QuotaExceededError, sometimes wrapped by Dexie. */
export function isQuotaError(error: unknown): boolean {
  for (let e = error as { name?: string; inner?: unknown } | null; e; e = e.inner as typeof e) {
    if (e.name === 'QuotaExceededError') return true
  }
  return false
}

/** Asks the browser not to evict the device's database under storage pressure (best effort). */
export async function requestPersistence(): Promise<boolean> {
  try {
    return (await navigator.storage?.persisted?.()) || ((await navigator.storage?.persist?.()) ?? false)
  } catch {
    return false
  }
}
