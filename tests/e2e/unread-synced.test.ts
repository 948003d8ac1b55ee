import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { eventually } from '../support/eventually.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

// Issue 12: unread is per agent and follows the agent across devices. Alice on two devices (two
// browser contexts): a customer's message makes the conversation unread on both; reading it on one
// clears it on the other, live.
describe('unread, synced across one agent’s devices', () => {
  let server: ServerProcess
  let browser: Browser
  let laptop: Page
  let tablet: Page
  const customer = { email: `uma.${Date.now()}@example.net`, name: 'Uma Unread' }
  let conversationId = ''

  const row = (page: Page) => page.getByRole('link', { name: /Uma Unread/ }).first()
  const openTab = (page: Page) => page.getByRole('tablist', { name: 'Status' }).getByRole('tab').first()
  const log = (page: Page) => page.getByRole('log', { name: 'Messages' })
  /** Whether the agent's read mark (as the server has it) covers the message. */
  const markCovers = (page: Page, conversation: string, message: string) =>
    page.evaluate(
      async ([c, m]) => {
        const view = (await (await fetch(`/api/conversations/${c}`)).json()) as { messages: { id: string; seq: number }[] }
        const seq = view.messages.find((x) => x.id === m)?.seq ?? Infinity
        const feed = (await (await fetch('/api/feed?after=0&limit=2000&kinds=read')).json()) as {
          entries: { read: { conversationId: string; seenSeq: number } }[]
        }
        return feed.entries.some((e) => e.read.conversationId === c && e.read.seenSeq >= seq)
      },
      [conversation, message] as const,
    )
  const nameWeight = (page: Page) => row(page).locator('.name').evaluate((el) => Number(getComputedStyle(el).fontWeight))

  beforeAll(async () => {
    server = await startServerProcess()
    browser = await launchBrowser()
    laptop = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    tablet = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    // The demo's conversations start unread; Alice reads them all (through the API), so that the one
    // the customer starts below is the only unread one.
    await laptop.evaluate(async () => {
      const page = (await (await fetch('/api/feed?after=0&limit=2000&kinds=conversation')).json()) as {
        entries: { conversation: { id: string; lastCustomerMessageSeq: number } }[]
      }
      for (const { conversation } of page.entries) {
        const response = await fetch(`/api/conversations/${conversation.id}/read`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ seenSeq: conversation.lastCustomerMessageSeq }),
        })
        if (!response.ok) throw new Error(`read: ${response.status}`)
      }
    })
    for (const page of [laptop, tablet]) await page.getByRole('tab', { name: /^Open$/ }).waitFor({ timeout: 20_000 })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it("a customer's message shows the conversation unread on both devices: bold, named so, counted on the Open tab", async () => {
    ;({ conversationId } = await customerWrites(server, customer, 'Hello? My parcel never arrived.'))
    for (const page of [laptop, tablet]) {
      await page.getByRole('link', { name: /^Unread: .*Uma Unread/ }).waitFor()
      await page.getByRole('tab', { name: 'Open (1 unread)' }).waitFor()
      expect(await nameWeight(page)).toBeGreaterThanOrEqual(700)
      expect(await openTab(page).locator('.unread').textContent()).toBe('1')
    }
  })

  it('opening it on the laptop reads it there at once, and on the tablet live, without a reload', async () => {
    await row(laptop).click()
    await log(laptop).getByText('My parcel never arrived').waitFor()
    await laptop.getByRole('tab', { name: /^Open$/ }).waitFor()
    await tablet.getByRole('tab', { name: /^Open$/ }).waitFor()
    await tablet.getByRole('link', { name: /^Uma Unread/ }).waitFor()
    expect(await row(tablet).getAttribute('class')).not.toContain('unread')
    expect(await nameWeight(tablet)).toBeLessThan(700)
  })

  it('a new message while the laptop shows the conversation is read too: the tablet ends up with nothing unread', async () => {
    const { messageId } = await customerWrites(server, customer, 'Tracking number is 99-1234.', conversationId)
    await log(laptop).getByText('Tracking number is 99-1234').waitFor()
    // Alice's mark on the server reaches the new message: the laptop read it as it arrived.
    await eventually(async () => expect(await markCovers(tablet, conversationId, messageId)).toBe(true), { timeout: 10_000 })
    await row(tablet).getByText(/Tracking number is 99-1234/).waitFor()
    await tablet.getByRole('tab', { name: /^Open$/ }).waitFor()
    await tablet.getByRole('link', { name: /^Uma Unread/ }).waitFor()
  })

  it('"Mark as unread" from the command palette makes it unread on the other device too', async () => {
    // Clicked away from the reply box, so the shortcut reaches the app rather than a text field.
    await laptop.getByRole('heading', { name: 'Uma Unread' }).click()
    await laptop.keyboard.press('Control+k')
    const palette = laptop.getByRole('dialog', { name: 'Command palette' })
    await palette.getByRole('combobox', { name: 'Search actions' }).pressSequentially('mark as unr')
    await expect.poll(() => palette.getByRole('option', { name: 'Mark as unread' }).getAttribute('aria-selected')).toBe('true')
    await laptop.keyboard.press('Enter')
    await palette.waitFor({ state: 'detached' })
    for (const page of [laptop, tablet]) {
      await page.getByRole('link', { name: /^Unread: .*Uma Unread/ }).waitFor()
      await page.getByRole('tab', { name: 'Open (1 unread)' }).waitFor()
    }
  })

  it('read state is per agent: Bob still sees it unread', async () => {
    const bob = (await signedInAgent(browser, server.url, 'bob@example.com', 'demo-password')).page
    await bob.getByRole('link', { name: /^Unread: .*Uma Unread/ }).waitFor({ timeout: 20_000 })
    await bob.context().close()
  })

  it('read offline on the laptop: at once there, and on the tablet once the server is back', async () => {
    const vic = { email: `vic.${Date.now()}@example.net`, name: 'Vic Offline' }
    await customerWrites(server, vic, 'Are you open on Sundays?')
    for (const page of [laptop, tablet]) await page.getByRole('tab', { name: 'Open (2 unread)' }).waitFor()
    const port = Number(new URL(server.url).port)
    await server.stop()
    await laptop.getByRole('link', { name: /^Unread: .*Vic Offline/ }).click()
    await log(laptop).getByText('Are you open on Sundays?').waitFor()
    await laptop.getByRole('link', { name: /^Vic Offline/ }).waitFor()
    await laptop.getByRole('tab', { name: 'Open (1 unread)' }).waitFor()
    // The tablet has not heard of it: the server that would tell it is down.
    expect(await tablet.getByRole('link', { name: /^Unread: .*Vic Offline/ }).count()).toBe(1)

    const { apiToken } = server
    server = { ...(await startServerProcess({ dataDir: server.dataDir, env: { PORT: String(port) } })), apiToken }
    for (const page of [laptop, tablet]) await page.evaluate(() => window.dispatchEvent(new Event('online')))
    await tablet.getByRole('link', { name: /^Vic Offline/ }).waitFor({ timeout: 30_000 })
    await tablet.getByRole('tab', { name: 'Open (1 unread)' }).waitFor()
  })
})
