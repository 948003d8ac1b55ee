import type { BrowserContext, Page } from 'playwright-core'
import { sleep } from '../lib/time.ts'
import { freshPage, launchProfile, watchPage } from './browser.ts'
import { installProbe, readProbe, readResources } from './probe.ts'

// Warm first paint: the profile already holds the 10,000 conversations (and the service worker its
// precache). Timed in the page's clock, from navigation start (performance.now() = 0) to the first
// conversation row in the DOM; FCP and the moment /api/workspace answered are shown beside it, since
// main.ts waits for that request before it mounts the app.

const TIMEOUT_MS = 30_000

export interface WarmRun {
  firstRowMs: number
  fcpMs: number | null
  /** main.ts runs (the bundle is loaded and evaluated) and asks who is signed in. */
  workspaceSentMs: number | null
  workspaceAnsweredMs: number | null
  /** The app mounted: the list pane is in the DOM, its rows not yet read from Dexie. */
  paneMs: number | null
}

async function timeFirstRow(page: Page, url: string, problems: string[]): Promise<WarmRun> {
  watchPage(page, problems, 'warm paint')
  await installProbe(page)
  await page.goto(url)
  const deadline = Date.now() + TIMEOUT_MS
  for (;;) {
    const probe = await readProbe(page)
    if (probe.firstRowAt !== null) {
      const workspace = (await readResources(page)).find((r) => new URL(r.name).pathname === '/api/workspace')
      return {
        firstRowMs: probe.firstRowAt,
        fcpMs: probe.fcp,
        workspaceSentMs: workspace?.startTime ?? null,
        workspaceAnsweredMs: workspace?.responseEnd ?? null,
        paneMs: probe.paneAt,
      }
    }
    if (Date.now() > deadline) throw new Error(`no conversation row ${TIMEOUT_MS / 1000} s after opening the app warm`)
    await sleep(50)
  }
}

/** Closes every page, lets the profile settle, then opens the app in a new tab of the same browser. */
export async function warmNewTab(context: BrowserContext, url: string, problems: string[]): Promise<WarmRun> {
  const page = await freshPage(context)
  await sleep(500)
  return timeFirstRow(page, url, problems)
}

/** Closes the browser and starts it again on the same profile: the next morning, not the next tab. */
export async function warmRestart(
  context: BrowserContext,
  profileDir: string,
  url: string,
  problems: string[],
): Promise<{ run: WarmRun; context: BrowserContext }> {
  await context.close()
  const next = await launchProfile(profileDir)
  try {
    const page = await freshPage(next)
    await sleep(500)
    return { run: await timeFirstRow(page, url, problems), context: next }
  } catch (error) {
    await next.close()
    throw error
  }
}
