import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts'

// Offline-first for real: the server process is stopped (not navigator.onLine faked), the service
// worker serves the app, Dexie serves the data; when the server is back everything queued arrives once.
describe('an agent with no server', () => {
  let server: ServerProcess
  let port: number
  let browser: Browser
  let alice: Page
  let bob: Page
  const dana = { email: 'dana.offline@example.net', name: 'Dana Offline' }
  const eric = { email: 'eric.offline@example.net', name: 'Eric Offline' }

  const log = (page: Page) => page.getByRole('log', { name: 'Messages' })
  const sync = (page: Page) => page.getByRole('status', { name: 'Sync status' })

  beforeAll(async () => {
    server = await startServerProcess()
    port = Number(new URL(server.url).port)
    await customerWrites(server, dana, 'My parcel never arrived.')
    await customerWrites(server, eric, 'Please close my account.')
    browser = await launchBrowser()
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    bob = (await signedInAgent(browser, server.url, 'bob@example.com', 'demo-password')).page
    // The first visit installs the service worker and fills the device's database.
    await alice.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    await sync(alice).getByText('Online').waitFor()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('opens signed in after a reload with the server stopped, and everything is readable', async () => {
    await server.stop()
    await alice.reload()
    await sync(alice).getByText(/Offline/).waitFor()
    await alice.getByRole('link', { name: /Dana Offline/ }).click()
    await log(alice).getByText('My parcel never arrived.').waitFor()
    await alice.getByRole('button', { name: 'Customer details' }).click()
    await alice.getByRole('region', { name: 'Customer' }).getByText(dana.email).waitFor()
    await alice.getByRole('button', { name: 'Close customer details' }).click()
    // Filters work from the device too: the demo's resolved conversations are there.
    await alice.getByRole('tab', { name: 'Resolved' }).click()
    await alice.getByRole('link').filter({ hasText: 'Resolved' }).first().waitFor()
    await alice.getByRole('tab', { name: 'Open' }).click()
  })

  it('writes a reply and resolves another conversation offline; each waits visibly', async () => {
    await alice.getByRole('link', { name: /Dana Offline/ }).click()
    await alice.getByRole('textbox', { name: 'Reply message' }).fill('Sorry Dana, a new parcel is on its way.')
    await alice.getByRole('button', { name: 'Send' }).click()
    await log(alice).getByText('a new parcel is on its way').waitFor()
    await log(alice).getByText('Waiting to send').waitFor()

    await alice.getByRole('link', { name: /Eric Offline/ }).click()
    await alice.getByRole('button', { name: 'Resolve' }).click()
    await alice.getByRole('main').locator('.meta .status-badge', { hasText: 'Resolved' }).waitFor()
    await sync(alice).getByText('Offline · 2 waiting').waitFor()
  })

  it('when the server is back, the reply arrives once and Bob sees both changes', async () => {
    // Same port and data: the restarted server is the one the page knows. Its inbox token was printed
    // at the first start only (the demo workspace is created once).
    const { apiToken } = server
    server = { ...(await startServerProcess({ dataDir: server.dataDir, env: { PORT: String(port) } })), apiToken }
    await alice.evaluate(() => window.dispatchEvent(new Event('online')))
    await sync(alice).getByText('Online').waitFor({ timeout: 30_000 })

    await bob.getByRole('link', { name: /Dana Offline/ }).click()
    await log(bob).getByText('a new parcel is on its way').waitFor({ timeout: 30_000 })
    await bob.getByRole('tab', { name: 'Resolved' }).click()
    await bob.getByRole('link', { name: /Eric Offline/ }).waitFor({ timeout: 30_000 })

    const token = await (
      await fetch(`${server.url}/api/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bob@example.com', password: 'demo-password' }),
      })
    ).json()
    const feed = await (await fetch(`${server.url}/api/feed?after=0&limit=2000`, { headers: { authorization: `Bearer ${token.token}` } })).json()
    const copies = feed.entries.filter((e: { kind: string; message?: { body: string } }) => e.kind === 'message' && e.message?.body.includes('a new parcel is on its way'))
    expect(copies).toHaveLength(1)
  })

  it('a customer message sent while the agent is offline appears after reconnect, without a reload', async () => {
    const target = new URL(server.url)
    const proxy: TcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) })
    try {
      // A context of its own: cookies do not tell ports apart, and this one signs in afresh.
      const carolContext = await browser.newContext({ viewport: { width: 1024, height: 768 } })
      const page = await carolContext.newPage()
      await page.goto(`${proxy.url}/`)
      // A fresh origin (the proxy's port) signs in and fills its own database.
      await page.getByLabel('Email').fill('carol@example.com')
      await page.getByLabel('Password').fill('demo-password')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await sync(page).getByText('Online').waitFor()
      await page.getByRole('link', { name: /Dana Offline/ }).click()
      await log(page).waitFor()

      proxy.cut()
      await sync(page).getByText(/Offline/).waitFor()
      await customerWrites(server, dana, 'Got it, thank you!')
      proxy.restore()
      await page.evaluate(() => window.dispatchEvent(new Event('online')))
      await log(page).getByText('Got it, thank you!').waitFor({ timeout: 30_000 })
      await carolContext.close()
    } finally {
      await proxy.close()
    }
  })

  it('two tabs offline then online send each reply once', async () => {
    const target = new URL(server.url)
    const proxy: TcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) })
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } })
    try {
      const tabA = await context.newPage()
      await tabA.goto(`${proxy.url}/`)
      await tabA.getByLabel('Email').fill('bob@example.com')
      await tabA.getByLabel('Password').fill('demo-password')
      await tabA.getByRole('button', { name: 'Sign in' }).click()
      await sync(tabA).getByText('Online').waitFor()
      const tabB = await context.newPage()
      await tabB.goto(`${proxy.url}/`)
      await sync(tabB).getByText('Online').waitFor()

      proxy.cut()
      for (const [tab, text] of [
        [tabA, 'From tab A, offline'],
        [tabB, 'From tab B, offline'],
      ] as const) {
        await sync(tab).getByText(/Offline/).waitFor()
        await tab.getByRole('link', { name: /Dana Offline/ }).first().click()
        await tab.getByRole('tab', { name: 'Note' }).click()
        await tab.getByRole('textbox', { name: 'Internal note' }).fill(text)
        await tab.getByRole('button', { name: 'Add note' }).click()
        await log(tab).getByText(text).waitFor()
      }
      proxy.restore()
      for (const tab of [tabA, tabB]) await tab.evaluate(() => window.dispatchEvent(new Event('online')))
      for (const tab of [tabA, tabB]) {
        await log(tab).getByText('From tab A, offline').waitFor({ timeout: 30_000 })
        await log(tab).getByText('From tab B, offline').waitFor({ timeout: 30_000 })
      }
      await sync(tabA).getByText('Online').waitFor({ timeout: 30_000 })
      // Another agent sees each note exactly once.
      await alice.getByRole('tab', { name: 'Open' }).click()
      await alice.getByRole('link', { name: /Dana Offline/ }).click()
      await log(alice).getByText('From tab B, offline').waitFor({ timeout: 30_000 })
      for (const text of ['From tab A, offline', 'From tab B, offline']) expect(await log(alice).getByText(text).count()).toBe(1)
    } finally {
      await context.close()
      await proxy.close()
    }
  })
})
