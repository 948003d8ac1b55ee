import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'
import { eventually } from '../support/eventually.ts'

// The search runs on the device: with the server process stopped (not a faked navigator.onLine), it
// still finds a note's word and a customer's address, and a result opens the conversation.
/** Whether a message with this body is in the device's messages table (the feed's copy, which the
 *  search indexes). Runs in the page. */
async function storedMessage(body: string): Promise<boolean> {
  const name = (await indexedDB.databases()).map((d) => d.name).find((n) => n?.startsWith('inbox-'))
  if (!name) return false
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  try {
    const all = await new Promise<{ body?: string }[]>((resolve) => {
      const request = db.transaction('messages').objectStore('messages').getAll()
      request.onsuccess = () => resolve(request.result as { body?: string }[])
    })
    return all.some((m) => m.body === body)
  } finally {
    db.close()
  }
}

describe('searching conversations with no server', () => {
  let server: ServerProcess
  let browser: Browser
  let alice: Page
  const dana = { email: 'dana.search@example.net', name: 'Dana Search' }
  const eric = { email: 'eric.search@example.net', name: 'Eric Search' }
  const note = 'The quokka courier lost the parcel twice'

  const log = (page: Page) => page.getByRole('log', { name: 'Messages' })
  const sync = (page: Page) => page.getByRole('status', { name: 'Sync status' })
  const field = (page: Page) => page.getByRole('searchbox', { name: 'Search conversations' })
  const results = (page: Page) => page.getByRole('list', { name: 'Search results' })

  beforeAll(async () => {
    server = await startServerProcess()
    await customerWrites(server, dana, 'My parcel never arrived.')
    await customerWrites(server, eric, 'Please close my account.')
    browser = await launchBrowser()
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    await alice.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    await sync(alice).getByText('Online').waitFor()
    await alice.getByRole('link', { name: /Dana Search/ }).click()
    await alice.getByRole('tab', { name: 'Note' }).click()
    await alice.getByRole('textbox', { name: 'Internal note' }).fill(note)
    await alice.getByRole('button', { name: 'Add note' }).click()
    // Accepted and back through the feed: stored on the device, not only queued. "Online" alone is not
    // that: an accepted note is no longer waiting before its feed entry has arrived.
    await sync(alice).getByText('Online', { exact: true }).waitFor({ timeout: 30_000 })
    await log(alice).getByText(note).waitFor()
    // Polled with evaluate: an async waitForFunction predicate is a Promise, truthy at once.
    await eventually(async () => expect(await alice.evaluate(storedMessage, note)).toBe(true), { timeout: 30_000, interval: 200 })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it("finds a note's word offline, highlighted, and the result opens the conversation", async () => {
    await server.stop()
    await alice.reload()
    await sync(alice).getByText(/Offline/).waitFor()
    await field(alice).fill('quokk')
    const hit = results(alice).getByRole('link', { name: /Dana Search/ })
    await hit.waitFor({ timeout: 15_000 })
    expect(await results(alice).getByRole('link').count()).toBe(1)
    expect(await hit.locator('mark').first().textContent()).toBe('quokka')
    await hit.click()
    await alice.waitForURL(/\/conversations\//)
    await log(alice).getByText(note).waitFor()
  })

  it("finds a customer by email address (the field focused with /); clearing the field brings the list back", async () => {
    // `/` from the page (not from a field) puts the cursor in the search field.
    await alice.getByRole('log', { name: 'Messages' }).click()
    await alice.keyboard.press('/')
    await expect.poll(() => field(alice).evaluate((el) => el === document.activeElement)).toBe(true)
    await alice.keyboard.press('Control+A')
    await alice.keyboard.type(eric.email)
    const hit = results(alice).getByRole('link', { name: /Eric Search/ })
    await hit.waitFor()
    expect(await results(alice).getByRole('link', { name: /Dana Search/ }).count()).toBe(0)
    await hit.click()
    await log(alice).getByText('Please close my account.').waitFor()
    await alice.getByRole('button', { name: 'Clear search' }).click()
    await results(alice).waitFor({ state: 'detached' })
    await alice.getByRole('tabpanel', { name: 'Conversation list' }).getByRole('link', { name: /Dana Search/ }).waitFor()
  })
})
