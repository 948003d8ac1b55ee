import { readFileSync } from 'node:fs'

/** This process's open-files limit (children inherit it), from /proc/self/limits. */
export function openFilesLimit(): { soft: number; hard: number } | null {
  const m = readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+)\s+(\d+)/m)
  return m ? { soft: Number(m[1]), hard: Number(m[2]) } : null
}
