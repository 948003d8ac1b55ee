import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import type { ResourceEntry } from './probe.ts'

// Client code on first load: the scripts and stylesheets the page itself fetched on its first visit
// in a fresh profile (Resource Timing), each file of the build gzipped at level 9, and as the server
// sent it (hono/compress). The service worker's own scripts load after the page, so they are
// counted apart.

export interface LoadedFile {
  file: string
  raw: number
  gzip9: number
  /** The body as it came over the wire (null: not seen on the wire). */
  wire: number | null
}

export interface FirstLoad {
  js: LoadedFile[]
  css: LoadedFile[]
  serviceWorker: LoadedFile[]
}

function sizeOf(buildDir: string, file: string, wire: number | null): LoadedFile {
  const bytes = readFileSync(path.join(buildDir, file))
  return { file, raw: bytes.byteLength, gzip9: gzipSync(bytes, { level: 9 }).byteLength, wire }
}

export function firstLoadSizes(resources: ResourceEntry[], buildDir: string, origin: string): FirstLoad {
  const seen = new Map<string, ResourceEntry>()
  for (const r of resources) {
    const url = new URL(r.name)
    if (url.origin === origin && /\.(js|css)$/.test(url.pathname) && !seen.has(url.pathname)) seen.set(url.pathname, r)
  }
  const files = [...seen].map(([pathname, r]) => sizeOf(buildDir, pathname.slice(1), r.encodedBodySize))
  const worker = readdirSync(buildDir)
    .filter((f) => f === 'sw.js' || /^workbox-.*\.js$/.test(f))
    .map((f) => sizeOf(buildDir, f, null))
  return { js: files.filter((f) => f.file.endsWith('.js')), css: files.filter((f) => f.file.endsWith('.css')), serviceWorker: worker }
}

export const total = (files: LoadedFile[], key: 'raw' | 'gzip9'): number => files.reduce((sum, f) => sum + f[key], 0)
export const totalWire = (files: LoadedFile[]): number => files.reduce((sum, f) => sum + (f.wire ?? 0), 0)
