import { cpSync, appendFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')

// A new version of the app is offered, never forced: the page keeps running (and the agent keeps
// typing) until they choose Reload, and the reload loses no draft.
describe('a new version of the app', () => {
  let server: ServerProcess
  let staticDir: string
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    // The server serves a copy of the build, so the test can publish a "new version" of it.
    staticDir = mkdtempSync(path.join(tmpdir(), 'inbox-static-'))
    cpSync(path.join(ROOT, 'dist'), staticDir, { recursive: true })
    server = await startServerProcess({ env: { STATIC_DIR: staticDir } })
    await customerWrites(server, { email: 'ivy.update@example.net', name: 'Ivy Update' }, 'Hello?')
    browser = await launchBrowser()
    page = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    // The agent has used the app before: the installed worker controls the page.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller))
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
    rmSync(staticDir, { recursive: true, force: true })
  })

  it('says "A new version is ready", reloads only when asked, and the draft survives', async () => {
    await page.getByRole('link', { name: /Ivy Update/ }).click()
    await page.getByRole('textbox', { name: 'Reply message' }).fill('Half-written answer for Ivy')

    // Publish a new service worker and let the page look for it, as its hourly check would.
    appendFileSync(path.join(staticDir, 'sw.js'), '\n// a new version\n')
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration()
      await registration?.update()
    })
    const banner = page.getByRole('status', { name: 'Update' })
    await banner.getByText('A new version is ready').waitFor({ timeout: 30_000 })
    // Nothing reloaded by itself: the draft is still in the textarea of this very page.
    const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42))
    expect(await page.getByRole('textbox', { name: 'Reply message' }).inputValue()).toBe('Half-written answer for Ivy')

    expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))).toBe(true)
    await Promise.all([page.waitForEvent('load'), banner.getByRole('button', { name: 'Reload' }).click()])
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined()
    expect(marker).toBe(42)
    await page.getByRole('log', { name: 'Messages' }).getByText('Hello?').waitFor()
    await expect.poll(() => page.getByRole('textbox', { name: 'Reply message' }).inputValue()).toBe('Half-written answer for Ivy')
    expect(await page.getByRole('status', { name: 'Update' }).count()).toBe(0)
  })
})
