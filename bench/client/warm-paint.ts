import type { BrowserContext, Page } from 'playwright-core'
import { sleep } from '../lib/time.ts'
import { freshPage, launchProfile, watchPage } from './browser.ts'
import { installProbe, readProbe } from './probe.ts'

// Warm first paint: the profile already holds the 10,000 conversations (and the service worker its
// precache). Timed in the page's clock, from navigation start (performance.now() = 0) to the frame
// that shows the first conversation row: from first-paint.js's snapshot of the device's last view
// when there is one. Beside it, when the app's code ran, mounted over it, and painted the rows of its
// own Dexie query (the marks the app sets: app:start, inbox:live-rows).

const TIMEOUT_MS = 30_000
const MARKS = `(() => {
  const at = (name) => performance.getEntriesByName(name, 'mark')[0]?.startTime ?? null;
  return { start: at('app:start'), live: at('inbox:live-rows') };
})()`

export interface WarmRun {
  /** The first conversation row on screen (Element Timing's render time of its text). */
  firstRowMs: number
  fcpMs: number | null
  /** main.ts runs: the bundle is loaded and evaluated (the app's own `app:start` mark). */
  mainMs: number | null
  /** Vue mounted the app, over the device's last view painted by first-paint.js if there was one. */
  mountedMs: number | null
  /** The list's own Dexie query answered and its rows were painted (`inbox:live-rows` mark). */
  liveRowsMs: number | null
  /** The first row was painted from first-paint.js's snapshot rather than by the app. */
  fromSnapshot: boolean
}

async function timeFirstRow(page: Page, url: string, problems: string[]): Promise<WarmRun> {
  watchPage(page, problems, 'warm paint')
  await installProbe(page)
  await page.goto(url)
  const deadline = Date.now() + TIMEOUT_MS
  for (;;) {
    const probe = await readProbe(page)
    const marks = (await page.evaluate(MARKS)) as { start: number | null; live: number | null }
    if (probe.firstRowPaintAt !== null && marks.live !== null) {
      return {
        // The paint as Element Timing saw it; the frame callback after the insertion where it saw
        // nothing (it runs just before that frame's paint, so it errs early).
        firstRowMs: probe.rowRenderAt ?? probe.firstRowPaintAt,
        fcpMs: probe.fcp,
        mainMs: marks.start,
        mountedMs: probe.mountedAt,
        liveRowsMs: marks.live,
        fromSnapshot: probe.mountedAt === null || probe.firstRowAt! < probe.mountedAt,
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
