import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

// Two framings of the same y-protocols messages. The y-websocket protocol (ours and the plain server)
// has one doc per socket: a frame is `type, payload`. Hocuspocus multiplexes docs over a socket:
// every frame starts with the doc name, and a doc must be authenticated (an Auth frame, even with an
// empty token) before the server answers anything else for it.
export type Flavour = 'y-websocket' | 'hocuspocus'

export const MSG_SYNC = 0
export const MSG_AWARENESS = 1
export const MSG_AUTH = 2
/** Hocuspocus: a Sync message that must not trigger another SyncStep1. */
export const MSG_SYNC_REPLY = 4
const AUTH_TOKEN = 0
export const AUTH_PERMISSION_DENIED = 1

export function encodeFrame(flavour: Flavour, room: string, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  if (flavour === 'hocuspocus') encoding.writeVarString(encoder, room)
  write(encoder)
  return encoding.toUint8Array(encoder)
}

/** A decoder positioned at the message type. */
export function openFrame(flavour: Flavour, frame: Uint8Array): decoding.Decoder {
  const decoder = decoding.createDecoder(frame)
  if (flavour === 'hocuspocus') decoding.readVarString(decoder)
  return decoder
}

/** Frames a client sends before its SyncStep1 (Hocuspocus's auth; nothing for y-websocket). */
export function helloFrames(flavour: Flavour, room: string): Uint8Array[] {
  if (flavour !== 'hocuspocus') return []
  return [
    encodeFrame(flavour, room, (e) => {
      encoding.writeVarUint(e, MSG_AUTH)
      encoding.writeVarUint(e, AUTH_TOKEN)
      encoding.writeVarString(e, '')
    }),
  ]
}
