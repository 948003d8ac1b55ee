import { ref } from 'vue'
import { explainError } from '../lib/api-errors.ts'

export const OFFLINE_SETTINGS = 'You are offline. Settings can be changed only with a connection.'

/**
 * Runs one change of a settings section at a time against the server; its error is kept under a key
 * (an item's id, or 'form') so that it shows next to what the person just tried.
 */
export function useSettingsWrite() {
  const busy = ref(false)
  const errors = ref<Record<string, string>>({})

  async function run<T>(key: string, request: () => Promise<T>): Promise<T | undefined> {
    busy.value = true
    try {
      const result = await request()
      delete errors.value[key]
      return result
    } catch (error) {
      errors.value[key] = explainError(error, OFFLINE_SETTINGS)
      return undefined
    } finally {
      busy.value = false
    }
  }

  return { busy, errors, run }
}
