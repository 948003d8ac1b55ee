import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type BrowserContext } from 'playwright-core'
import { CHROMIUM, CHROMIUM_ARGS, TABLET } from '../support/browser.ts'
import { removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

// Lighthouse has no PWA category any more: Chromium itself is asked, over the DevTools protocol, why
// the app would not be installable (DESIGN §8). A persistent profile, as a real install needs.
describe('the installable app', () => {
  let server: ServerProcess
  let profile: string
  let context: BrowserContext

  beforeAll(async () => {
    server = await startServerProcess()
    profile = mkdtempSync(path.join(tmpdir(), 'inbox-profile-'))
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: TABLET })
  })

  afterAll(async () => {
    await context?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
    rmSync(profile, { recursive: true, force: true })
  })

  it('has a complete manifest and a service worker, and Chromium reports no installability errors', async () => {
    const page = await context.newPage()
    await page.goto(server.url)
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    const manifest = (await (await fetch(`${server.url}/manifest.webmanifest`)).json()) as {
      name: string
      short_name: string
      display: string
      start_url: string
      scope: string
      icons: { sizes: string; purpose?: string }[]
    }
    expect(manifest).toMatchObject({ name: 'Support Inbox', short_name: 'Inbox', display: 'standalone', start_url: '/', scope: '/' })
    expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`).sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable'])

    const cdp = await context.newCDPSession(page)
    // The check needs the worker to control the page; a reload makes sure it does.
    await page.reload()
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] }
    expect(installabilityErrors).toEqual([])

    // The same question about a page without the manifest gets errors: the check can fail.
    const bare = await context.newPage()
    await bare.goto(`${server.url}/api/health`)
    const other = (await (await context.newCDPSession(bare)).send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] }
    expect(other.installabilityErrors.length).toBeGreaterThan(0)
  })
})
