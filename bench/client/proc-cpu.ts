import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'

// CPU time per process of the bench's tree (the server, and Chromium's browser, renderer, network and
// storage processes), from /proc: where the time of a bootstrap goes on this machine.

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

interface ProcInfo {
  ppid: number
  cpuMs: number
}

function readStat(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces and parentheses: fields are counted after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return { ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_SECOND }
  } catch {
    return null
  }
}

function label(pid: number, serverPid: number | null): string {
  if (pid === serverPid) return 'server'
  let cmd = ''
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return 'other'
  }
  if (!cmd.includes('chrom')) return 'other'
  const type = cmd.match(/--type=(\S+)/)?.[1]
  if (!type) return 'chromium browser'
  if (type === 'utility') {
    const sub = cmd.match(/--utility-sub-type=(\S+)/)?.[1] ?? ''
    if (sub.includes('network')) return 'chromium network'
    if (sub.includes('storage')) return 'chromium storage'
    return 'chromium utility'
  }
  if (type === 'renderer') return 'chromium renderer'
  return `chromium ${type}`
}

/** CPU ms used so far, by label, summed over the descendants of this process (and itself as "bench"). */
export function cpuByLabel(serverPid: number | null): Map<string, number> {
  const procs = new Map<number, ProcInfo>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const info = readStat(Number(name))
    if (info) procs.set(Number(name), info)
  }
  const children = new Map<number, number[]>()
  for (const [pid, info] of procs) children.set(info.ppid, [...(children.get(info.ppid) ?? []), pid])
  const totals = new Map<string, number>()
  const usage = process.cpuUsage()
  totals.set('bench (node)', (usage.user + usage.system) / 1000)
  const stack = [...(children.get(process.pid) ?? [])]
  while (stack.length > 0) {
    const pid = stack.pop()!
    stack.push(...(children.get(pid) ?? []))
    const name = label(pid, serverPid)
    totals.set(name, (totals.get(name) ?? 0) + procs.get(pid)!.cpuMs)
  }
  return totals
}

/** `after - before`, per label. */
export function cpuDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>()
  for (const [name, ms] of after) delta.set(name, ms - (before.get(name) ?? 0))
  return delta
}
