import type { BrowserContext, Page } from 'playwright-core'
import { makeTempDir } from '../lib/children.ts'
import { sleep } from '../lib/time.ts'
import { fillSignIn, freshPage, launchProfile, signInButton, watchPage } from './browser.ts'
import { type FeedTimeline, feedTimeline } from './feed-timeline.ts'
import type { FeedReference } from './feed-reference.ts'
import { type ProbeState, type ResourceEntry, installProbe, readDeviceStore, readProbe, readResources } from './probe.ts'
import { cpuByLabel, cpuDelta } from './proc-cpu.ts'

// Cold bootstrap: a fresh Chromium profile signs in and catches up on the whole account. Timed in the
// page's clock from the Sign in click to (a) the first row in the list and (b) the catch-up complete:
// the status reads Online with no progress bar, and IndexedDB holds every conversation of the feed
// with the cursor at its last seq (checked in the page, not assumed from the status).

const POLL_MS = 100
const TIMEOUT_MS = 180_000
/** After the catch-up, queries still in flight (the counts) may land: wait this long before reading. */
const SETTLE_MS = 1500

export interface BootstrapRun {
  firstRowMs: number
  /** "No conversations here." shown before the first row: when, and for how long. */
  emptyList: { atMs: number; forMs: number } | null
  completeMs: number
  /** The list whole: every conversation stored, so the counts have their final values. A new device
   *  reads conversations before messages (client/sync/feed.ts), so this comes before the history. */
  usableMs: number
  /** The status read "Online" before the first page was stored, and for how long (null: it did not). */
  earlyOnline: { atMs: number; forMs: number } | null
  timeline: FeedTimeline
  /** CPU ms by process, from the click until the completion was seen (≤ POLL_MS + a check later). */
  cpu: Map<string, number>
  device: { conversations: number; cursor: number }
  /** Everything the page loaded, for the first-load size. */
  resources: ResourceEntry[]
}

export interface BootstrappedProfile {
  run: BootstrapRun
  context: BrowserContext
  page: Page
  profileDir: string
}

const isOnline = (probe: ProbeState) => {
  const last = probe.status.at(-1)
  return last?.text === 'Online' && last.progress === null
}

async function waitForCatchUp(page: Page, expected: FeedReference): Promise<{ probe: ProbeState; device: { conversations: number; cursor: number } }> {
  const deadline = Date.now() + TIMEOUT_MS
  let checkedAt = -1
  let lastDevice: { conversations: number; cursor: number } | null = null
  while (Date.now() < deadline) {
    const probe = await readProbe(page)
    // The IndexedDB check runs once per "Online" the status shows (it also reads Online for a moment
    // before the catch-up has stored anything), so it does not compete with the catch-up's writes.
    const at = probe.status.at(-1)?.at ?? -1
    if (isOnline(probe) && at !== checkedAt) {
      checkedAt = at
      lastDevice = await readDeviceStore(page)
      if (lastDevice && lastDevice.conversations >= expected.conversations && lastDevice.cursor >= expected.lastSeq) {
        // Read again: the status may have moved between the two reads.
        const again = await readProbe(page)
        if (again.status.at(-1)?.at === at) return { probe: again, device: lastDevice }
      }
    }
    await sleep(POLL_MS)
  }
  throw new Error(`no complete catch-up in ${TIMEOUT_MS / 1000} s (device: ${JSON.stringify(lastDevice)})`)
}

function earlyOnline(probe: ProbeState, submitAt: number): BootstrapRun['earlyOnline'] {
  const firstProgress = probe.status.findIndex((s) => s.progress !== null)
  if (firstProgress <= 0) return null
  const online = probe.status.slice(0, firstProgress).findIndex((s) => s.text === 'Online')
  if (online < 0) return null
  return { atMs: probe.status[online]!.at - submitAt, forMs: probe.status[firstProgress]!.at - probe.status[online]!.at }
}

export async function coldBootstrap(url: string, serverPid: number, expected: FeedReference, problems: string[]): Promise<BootstrappedProfile> {
  const profileDir = makeTempDir('inbox-bench-profile-')
  const context = await launchProfile(profileDir)
  try {
    const page = await freshPage(context)
    watchPage(page, problems, 'cold bootstrap')
    await installProbe(page)
    await page.goto(url)
    await fillSignIn(page)
    const cpuBefore = cpuByLabel(serverPid)
    await signInButton(page).click()
    const caughtUp = await waitForCatchUp(page, expected)
    const cpu = cpuDelta(cpuBefore, cpuByLabel(serverPid))
    const completeAt = caughtUp.probe.status.at(-1)!.at
    await sleep(SETTLE_MS)
    const probe = await readProbe(page)
    const { submitAt, firstRowAt, emptyAt } = probe
    const countsAt = probe.counts.at(-1)?.at
    if (submitAt === null || firstRowAt === null || countsAt === undefined) throw new Error('the page probe missed the sign-in, the first row or the counts')
    const resources = await readResources(page)
    const run: BootstrapRun = {
      firstRowMs: firstRowAt - submitAt,
      emptyList: emptyAt === null ? null : { atMs: emptyAt - submitAt, forMs: firstRowAt - emptyAt },
      completeMs: completeAt - submitAt,
      usableMs: countsAt - submitAt,
      earlyOnline: earlyOnline(probe, submitAt),
      timeline: feedTimeline(resources, submitAt, completeAt),
      cpu,
      device: caughtUp.device,
      resources,
    }
    return { run, context, page, profileDir }
  } catch (error) {
    await context.close()
    throw error
  }
}
