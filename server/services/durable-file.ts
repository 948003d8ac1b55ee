import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'

/**
 * Writes a file so that it is on disk once this resolves: written aside, fsynced, renamed over the
 * final name, and the directory fsynced (the rename itself is a directory entry that power loss could
 * undo). A crash at any point leaves either the old file or the whole new one under the final name.
 */
export async function writeDurably(file: string, data: Uint8Array, uniqueSuffix: string): Promise<void> {
  const dir = path.dirname(file)
  // A directory made now is an entry of its parent, which needs its own fsync.
  const firstMade = await mkdir(dir, { recursive: true })
  const partial = `${file}.${uniqueSuffix}.part`
  try {
    const handle = await open(partial, 'w')
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(partial, file)
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  }
  await syncDirectory(dir)
  if (firstMade) for (let d = dir; d !== path.dirname(firstMade); d = path.dirname(d)) await syncDirectory(path.dirname(d))
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** True when the file exists with exactly this size and SHA-256 (a truncated or damaged copy,
 *  left by a crash before fsync or by the disk, is not trusted). */
export async function holdsContent(file: string, size: number, sha256: string): Promise<boolean> {
  const found = await stat(file).catch(() => null)
  if (!found?.isFile() || found.size !== size) return false
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex') === sha256
}
