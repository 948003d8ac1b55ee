import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { PHONE, TABLET, launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts'

// Issue 12: Alice mentions Bob in a note; Bob's app shows it live in its "Notifications" button and
// list. With Bob's connection really cut (a TCP proxy in front of the server), a second mention
// reaches him once he is back, once. Opening the conversation from the list reads it.
describe('a mention notifies the other agent', () => {
  let server: ServerProcess
  let proxy: TcpProxy
  let browser: Browser
  let alice: Page
  let bob: Page
  let number = 0
  /** Bob's unread count before the test's mentions: the demo workspace may have told him of others. */
  let before = 0
  const unreadLabel = (n: number) => (n > 0 ? `Notifications, ${n} unread` : 'Notifications')
  const count = async (page: Page) => Number(/(\d+) unread/.exec((await bell(page).getAttribute('aria-label')) ?? '')?.[1] ?? 0)

  const log = (page: Page) => page.getByRole('log', { name: 'Messages' })
  const bell = (page: Page) => page.getByRole('banner').getByRole('button', { name: /^Notifications/ })
  const panel = (page: Page) => page.getByRole('region', { name: 'Notifications list' })

  async function mentionBob(text: string) {
    const note = alice.getByRole('textbox', { name: 'Internal note' })
    await note.click()
    await note.pressSequentially(`${text} @bo`, { delay: 15 })
    const list = alice.getByRole('listbox', { name: 'Mention someone' })
    await list.getByRole('option', { name: /^Bob Keller/ }).waitFor()
    await note.press('Enter')
    await list.waitFor({ state: 'detached' })
    await note.pressSequentially('please look', { delay: 10 })
    expect(await note.inputValue()).toBe(`${text} @Bob Keller please look`)
    await alice.getByRole('button', { name: 'Add note' }).click()
    await log(alice).getByText(`${text} @Bob Keller please look`).waitFor()
  }

  beforeAll(async () => {
    server = await startServerProcess()
    const target = new URL(server.url)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) })
    browser = await launchBrowser()
    const { conversationId } = await customerWrites(server, { email: 'hana.mention@example.net', name: 'Hana Mention' }, 'My parcel never arrived.')
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    bob = (await signedInAgent(browser, proxy.url, 'bob@example.com', 'demo-password')).page
    await alice.goto(`/conversations/${conversationId}`)
    await log(alice).getByText('My parcel never arrived.').waitFor()
    await alice.getByRole('tab', { name: 'Note' }).click()
    const meta = (await alice.getByRole('main').getByText(/#\d+ ·/).first().textContent()) ?? ''
    number = Number(/#(\d+)/.exec(meta)?.[1])
    expect(number).toBeGreaterThan(0)
  })

  afterAll(async () => {
    await browser?.close()
    await proxy?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('Alice mentions Bob: his Notifications button counts it live and lists "Alice mentioned you in #N"', async () => {
    await bell(bob).waitFor()
    before = await count(bob)
    const aliceBefore = await count(alice)
    await mentionBob('Carrier says delivered.')
    // The note shows the mention highlighted.
    await log(alice).locator('mark.mention', { hasText: '@Bob Keller' }).waitFor()

    await bob.getByRole('button', { name: unreadLabel(before + 1), exact: true }).waitFor({ timeout: 15_000 })
    await bob.getByRole('button', { name: unreadLabel(before + 1), exact: true }).click()
    await panel(bob).getByRole('link', { name: `Alice Martin mentioned you in #${number}` }).waitFor()
    // Alice, who wrote it, is told nothing.
    expect(await count(alice)).toBe(aliceBefore)
  })

  it('the open list looks right on a tablet and on a phone', async () => {
    await bob.screenshot({ path: '/tmp/n1/notifications-tablet.png' })
    await bob.setViewportSize(PHONE)
    await panel(bob).waitFor()
    await bob.screenshot({ path: '/tmp/n1/notifications-phone.png' })
    await bob.setViewportSize(TABLET)
    await bob.keyboard.press('Escape')
    await panel(bob).waitFor({ state: 'detached' })
  })

  it('with his connection cut, a second mention reaches Bob once he is back, once', async () => {
    proxy.cut()
    await bob.getByRole('status', { name: 'Sync status' }).getByText(/Offline/).waitFor({ timeout: 15_000 })
    await mentionBob('Second thought:')
    // Alice's note is stored; Bob, offline, still counts one.
    expect(await count(bob)).toBe(before + 1)

    proxy.restore()
    await bob.evaluate(() => window.dispatchEvent(new Event('online')))
    await bob.getByRole('status', { name: 'Sync status' }).getByText('Online').waitFor({ timeout: 30_000 })
    await bob.getByRole('button', { name: unreadLabel(before + 2), exact: true }).waitFor({ timeout: 15_000 })
    await bob.getByRole('button', { name: unreadLabel(before + 2), exact: true }).click()
    const items = panel(bob).getByRole('link', { name: `Alice Martin mentioned you in #${number}` })
    await expect.poll(() => items.count()).toBe(2)
    // Once: a reload reads the device again and still finds two.
    await bob.reload()
    await bob.getByRole('button', { name: unreadLabel(before + 2), exact: true }).waitFor({ timeout: 15_000 })
  })

  it('opening the conversation from the list reads its notifications, on the server too', async () => {
    await bob.getByRole('button', { name: unreadLabel(before + 2), exact: true }).click()
    await panel(bob).getByRole('link', { name: `Alice Martin mentioned you in #${number}` }).first().click()
    await log(bob).getByText('Second thought: @Bob Keller please look').waitFor()
    await bob.getByRole('button', { name: unreadLabel(before), exact: true }).waitFor({ timeout: 15_000 })
    // Read on the server: a fresh sign-in of Bob elsewhere counts them read too.
    const other = await signedInAgent(browser, server.url, 'bob@example.com', 'demo-password')
    await other.page.getByRole('banner').getByRole('button', { name: /^Notifications/ }).waitFor()
    await expect.poll(() => other.page.getByRole('banner').getByRole('button', { name: /^Notifications/ }).getAttribute('aria-label'), { timeout: 15_000 }).toBe(unreadLabel(before))
    await other.context.close()
  })
})
