import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { PHONE, launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts'

// The app must work at whatever address and port serves it: here a proxy on another port, and a
// phone-sized screen showing one pane at a time.
describe('served from another address, on a phone', () => {
  let server: ServerProcess
  let proxy: TcpProxy
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    server = await startServerProcess()
    const target = new URL(server.url)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) })
    browser = await launchBrowser()
    page = (await signedInAgent(browser, proxy.url, 'carol@example.com', 'demo-password', PHONE)).page
  })

  afterAll(async () => {
    await browser?.close()
    await proxy?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('syncs live through the proxy and moves between list and conversation with a back button', async () => {
    expect(proxy.port).not.toBe(Number(new URL(server.url).port))
    await customerWrites(server, { email: 'erin.phone@example.net', name: 'Erin Phone' }, 'Is the store open on Sunday?')
    // The feed push reached the list through the proxy.
    await page.getByRole('link', { name: /Erin Phone/ }).click()
    await page.getByRole('log', { name: 'Messages' }).getByText('open on Sunday').waitFor()
    // One pane at a time: the list is hidden while the conversation shows.
    expect(await page.getByRole('tab', { name: 'Open' }).isVisible()).toBe(false)

    await page.getByRole('textbox', { name: 'Reply message' }).fill('Yes, from 10 to 4.')
    await page.getByRole('textbox', { name: 'Reply message' }).press('Enter')
    await page.getByRole('log', { name: 'Messages' }).getByText('from 10 to 4').waitFor()

    await page.getByRole('link', { name: 'Back to conversations' }).click()
    await page.getByRole('tab', { name: 'Open' }).waitFor()
    await page.getByRole('link', { name: /Erin Phone/ }).getByText(/You: Yes, from 10 to 4/).waitFor()
  })
})
