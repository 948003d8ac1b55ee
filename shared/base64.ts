import { fromBase64, toBase64 } from 'lib0/buffer'

// Yjs updates cross JSON boundaries (the feed, the bulk doc endpoint) as base64.
export const encodeBytes = (bytes: Uint8Array): string => toBase64(bytes)
export const decodeBytes = (text: string): Uint8Array => fromBase64(text)
