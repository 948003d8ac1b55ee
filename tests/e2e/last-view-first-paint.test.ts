import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

// On a start, first-paint.js paints the inbox this device last showed (before the app's code has
// loaded) and the app mounts over it with the same rows. Only for the agent who left it: signing out
// forgets it.

// Installed before any of the page's scripts: notes what #app held before Vue mounted it.
const WATCH = `(() => {
  const seen = { rowBeforeMount: null, hiddenBeforeMount: null };
  Object.defineProperty(window, '__lastView', { value: seen });
  new MutationObserver(() => {
    const app = document.getElementById('app');
    if (!app || app.hasAttribute('data-v-app') || seen.rowBeforeMount !== null) return;
    const row = app.querySelector('a[href^="/conversations/"]');
    if (!row) return;
    seen.rowBeforeMount = row.textContent.replace(/\\s+/g, ' ').trim();
    seen.hiddenBeforeMount = app.hasAttribute('inert') && app.getAttribute('aria-hidden') === 'true';
  }).observe(document, { subtree: true, childList: true });
})()`

interface Seen {
  rowBeforeMount: string | null
  hiddenBeforeMount: boolean | null
}

describe('the last view painted before the app loads', () => {
  let server: ServerProcess
  let browser: Browser
  let alice: Page

  const seen = (page: Page) => page.evaluate('window.__lastView') as Promise<Seen>
  const firstRowText = async (page: Page) =>
    ((await page.getByRole('tabpanel', { name: 'Conversation list' }).getByRole('link').first().textContent()) ?? '').replace(/\s+/g, ' ').trim()

  beforeAll(async () => {
    server = await startServerProcess()
    await customerWrites(server, { email: 'iris.snapshot@example.net', name: 'Iris Snapshot' }, 'Where is my order?')
    browser = await launchBrowser()
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    await alice.getByRole('link', { name: /Iris Snapshot/ }).waitFor()
    await alice.addInitScript(WATCH)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('paints the rows the device showed last, hidden from assistive technology, then the app takes over with the same rows', async () => {
    // Kept once the list has settled.
    await alice.waitForFunction(() => localStorage.getItem('inbox.shellSnapshot') !== null)
    await alice.reload()
    await alice.getByRole('link', { name: /Iris Snapshot/ }).waitFor()
    const before = await seen(alice)
    expect(before.rowBeforeMount).toBe(await firstRowText(alice))
    expect(before.hiddenBeforeMount).toBe(true)
    // The app's own page now: usable, and visible to assistive technology.
    const app = alice.locator('#app')
    expect(await app.getAttribute('inert')).toBeNull()
    expect(await app.getAttribute('aria-hidden')).toBeNull()
    await alice.getByRole('link', { name: /Iris Snapshot/ }).click()
    await alice.getByRole('log', { name: 'Messages' }).getByText('Where is my order?').waitFor()
  })

  it('is not painted for another address of the app', async () => {
    await alice.goto('/?status=resolved')
    await alice.getByRole('tab', { name: /Resolved/, selected: true }).waitFor()
    expect((await seen(alice)).rowBeforeMount).toBeNull()
  })

  it('is forgotten on sign-out: the next start paints no one\'s inbox', async () => {
    await alice.goto('/')
    await alice.getByRole('link', { name: /Iris Snapshot/ }).waitFor()
    await alice.getByRole('button', { name: 'Sign out' }).click()
    await alice.getByRole('button', { name: 'Sign in' }).waitFor()
    const kept = await alice.evaluate(() => [localStorage.getItem('inbox.shellSnapshot'), localStorage.getItem('inbox.listSnapshot')])
    expect(kept).toEqual([null, null])
    await alice.reload()
    await alice.getByRole('button', { name: 'Sign in' }).waitFor()
    expect((await seen(alice)).rowBeforeMount).toBeNull()
  })
})
