import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

// What the device itself decides: a snooze falls due on it at its time with no server to say so, and a
// full device is said out loud, keeping what the agent wrote.
describe('the device on its own', () => {
  let server: ServerProcess
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    server = await startServerProcess()
    browser = await launchBrowser()
    page = (await signedInAgent(browser, server.url, 'carol@example.com', 'demo-password')).page
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('shows a snooze as due at its time with the server stopped', async () => {
    const { conversationId } = await customerWrites(server, { email: 'sam.snooze@example.net', name: 'Sam Snooze' }, 'Ping me next week')
    const tokens = await fetch(`${server.url}/api/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'carol@example.com', password: 'demo-password' }),
    })
    const { token } = (await tokens.json()) as { token: string }
    const until = Date.now() + 6_000
    const patched = await fetch(`${server.url}/api/conversations/${conversationId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ status: 'snoozed', snoozedUntil: until }),
    })
    expect(patched.status).toBe(200)
    await page.getByRole('tab', { name: 'Snoozed' }).click()
    await page.getByRole('link', { name: /Sam Snooze/ }).waitFor()

    await server.stop()
    await page.getByRole('status', { name: 'Sync status' }).getByText(/Offline/).waitFor()
    await page.getByRole('tab', { name: 'Open' }).click()
    const row = page.getByRole('link', { name: /Sam Snooze/ })
    await row.getByText('Due').waitFor({ timeout: 30_000 })
    expect(Date.now()).toBeGreaterThanOrEqual(until)
    server = await startServerProcess({ dataDir: server.dataDir })
  })

  it('says the storage is full and keeps the reply in the composer', async () => {
    await page.goto(`${server.url}/`)
    await page.getByRole('status', { name: 'Sync status' }).getByText('Online').waitFor({ timeout: 30_000 })
    await page.getByRole('link').filter({ hasText: '#' }).first().click()
    // Chromium cannot be made to run out of disk here (its quota override did not reach IndexedDB in
    // this build), so IndexedDB's writes fail the way they do on a full tablet: QuotaExceededError.
    await page.evaluate(() => {
      for (const method of ['add', 'put'] as const) {
        IDBObjectStore.prototype[method] = function () {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
        }
      }
    })
    const reply = page.getByRole('textbox', { name: 'Reply message' })
    await reply.fill('This must not be lost')
    await page.getByRole('button', { name: 'Send' }).click()
    await page.getByRole('alert').getByText(/storage is full/).first().waitFor()
    await page.getByText('The device is full: the reply could not be saved. It is still here.').waitFor()
    expect(await reply.inputValue()).toBe('This must not be lost')
    expect(await page.getByRole('log', { name: 'Messages' }).getByText('This must not be lost').count()).toBe(0)
  })
})
