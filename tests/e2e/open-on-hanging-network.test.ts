import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts'

// A basement's network rarely refuses: it hangs. The app opens from the device at once and asks the
// server who is signed in meanwhile, so a request that never answers does not hold the inbox back;
// when the server does answer that the session is over, the app still returns to sign-in.
describe('opening the app while the network hangs', () => {
  let server: ServerProcess
  let proxy: TcpProxy
  let browser: Browser
  let alice: Page
  const gina = { email: 'gina.hanging@example.net', name: 'Gina Hanging' }

  const sync = (page: Page) => page.getByRole('status', { name: 'Sync status' })

  beforeAll(async () => {
    server = await startServerProcess()
    const target = new URL(server.url)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) })
    await customerWrites(server, gina, 'Is anyone there?')
    browser = await launchBrowser()
    alice = (await signedInAgent(browser, proxy.url, 'alice@example.com', 'demo-password')).page
    await alice.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    await alice.getByRole('link', { name: /Gina Hanging/ }).waitFor()
    await sync(alice).getByText('Online').waitFor()
  })

  afterAll(async () => {
    await browser?.close()
    await proxy?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('shows the inbox from the device while every request to the server hangs', async () => {
    proxy.freeze()
    const isWorkspace = (url: string) => new URL(url).pathname === '/api/workspace'
    let asked = false
    let answered = false
    alice.on('request', (request) => (asked ||= isWorkspace(request.url())))
    alice.on('requestfinished', (request) => (answered ||= isWorkspace(request.url())))
    alice.on('requestfailed', (request) => (answered ||= isWorkspace(request.url())))
    // Not waiting for "load": a frozen request may hold that event back, and it is not what an agent sees.
    await alice.reload({ waitUntil: 'commit' })
    await alice.getByRole('link', { name: /Gina Hanging/ }).waitFor()
    // The server was asked who is signed in and has not answered: the rows did not wait for it.
    expect(asked).toBe(true)
    expect(answered).toBe(false)
    // Not the last page's "Online" (or the "Offline" of its socket closing): this page is connecting.
    await sync(alice).getByText('Connecting…').waitFor()
    await alice.getByRole('link', { name: /Gina Hanging/ }).click()
    await alice.getByRole('log', { name: 'Messages' }).getByText('Is anyone there?').waitFor()
    proxy.restore()
    await sync(alice).getByText('Online').waitFor({ timeout: 30_000 })
  })

  it('returns to sign-in, saying why, when the server answers that the session has ended', async () => {
    // Ended while no page of Alice's is open: the next one opens from the device, then hears the 401.
    const context = alice.context()
    await alice.close()
    const other = await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')
    const ended = await other.page.evaluate(async () => (await fetch('/api/auth/sign-out-everywhere', { method: 'POST' })).status)
    expect(ended).toBe(200)
    await other.context.close()
    alice = await context.newPage()
    await alice.goto('/')
    await alice.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 15_000 })
    await alice.getByText('Your session has ended').waitFor()
  })
})
