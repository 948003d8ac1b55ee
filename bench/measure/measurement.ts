import type { Target } from '../clients/sync-client.ts'
import type { ServerHandle } from '../servers/launch.ts'
import type { ServerKind } from '../servers/kinds.ts'

export type Outcome<R> = { ok: true; result: R } | { ok: false; reason: string }

export const failure = (error: unknown): { ok: false; reason: string } => ({ ok: false, reason: (error as Error).message.split('\n')[0]! })

/** One table: run once per server (each in its own child process), then rendered row by row. */
export interface Measurement<R> {
  title: string
  /** Data columns; "server" comes first and the ratio column last. */
  columns: string[]
  ratioColumn: string
  /** Printed under the table: what was measured, and the target. */
  notes: string[]
  /** Which servers get a row (default: SERVERS). */
  servers?: ServerKind[]
  /** For one server's run; for runAll, for all of them together. */
  timeoutMs: number
  /** One server after the other, each alone on the machine. */
  run?(kind: ServerKind): Promise<R>
  /** All servers at once, measured in interleaved rounds, so that noise from the machine (other
   *  processes, CPU frequency) falls on every server alike rather than on whichever ran at the time. */
  runAll?(kinds: ServerKind[]): Promise<Map<ServerKind, Outcome<R>>>
  cells(result: R): string[]
  ratio(result: R, plain: R): string
  /** Things worth a line under the table (a server's errors, docs never unloaded). */
  remarks?(result: R): string[]
}

export function targetOf(server: ServerHandle, room: string): Target {
  const token = server.ready.token
  return {
    baseUrl: `ws://127.0.0.1:${server.port}`,
    room,
    flavour: server.kind.flavour,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  }
}
