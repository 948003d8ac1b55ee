import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import { isQuotaError, requestPersistence } from '../lib/storage.ts'

/** What the device itself can do: keep data for good, and whether its storage has run out. */
export const useDeviceStore = defineStore('device', () => {
  const persisted = ref(false)
  const storageFull = ref(false)

  async function init(): Promise<void> {
    persisted.value = await requestPersistence()
    // Any write that fails for lack of space, wherever it happened, is told to the agent.
    window.addEventListener('unhandledrejection', (event) => {
      if (isQuotaError(event.reason)) storageFull.value = true
    })
  }

  /** For callers that catch their own errors: says whether this one was a full device. */
  function check(error: unknown): boolean {
    if (!isQuotaError(error)) return false
    storageFull.value = true
    return true
  }

  return { persisted, storageFull, init, check }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useDeviceStore, import.meta.hot))
