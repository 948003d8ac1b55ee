import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts'

// Collision-aware collaboration (DESIGN §4 rules 1, 2 and 6) with two agents in two browser contexts.
// Bob reaches the server through a TCP proxy, so his network can be cut for real.
describe('two agents on one queue', () => {
  let server: ServerProcess
  let proxy: TcpProxy
  let browser: Browser
  let alice: Page
  let bob: Page

  const log = (page: Page) => page.getByRole('log', { name: 'Messages' })
  const open = async (page: Page, name: RegExp) => {
    await page.getByRole('tab', { name: 'Open' }).click()
    await page.getByRole('link', { name }).first().click()
    await log(page).waitFor()
  }

  beforeAll(async () => {
    server = await startServerProcess()
    const target = new URL(server.url)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) })
    browser = await launchBrowser()
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    bob = (await signedInAgent(browser, proxy.url, 'bob@example.com', 'demo-password')).page
  })

  afterAll(async () => {
    await browser?.close()
    await proxy?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('Bob sees "Alice is replying…" while she types, and the list marks the conversation', async () => {
    await customerWrites(server, { email: 'frank.presence@example.net', name: 'Frank Presence' }, 'Is anyone there?')
    await open(alice, /Frank Presence/)
    // Bob's list shows Alice in the conversation before he opens it.
    await bob.getByRole('link', { name: /Frank Presence/ }).getByText(/Alice viewing/).waitFor()
    await open(bob, /Frank Presence/)
    await bob.getByRole('status', { name: 'Who else is here' }).getByText('Alice is viewing').waitFor()

    await alice.getByRole('textbox', { name: 'Reply message' }).pressSequentially('Hello Fr', { delay: 20 })
    await bob.getByRole('status', { name: 'Who else is here' }).getByText('Alice is replying…').waitFor()
    await alice.getByRole('textbox', { name: 'Reply message' }).fill('')
  })

  it("both write a reply; Alice sends first; Bob's Send shows Alice's reply with Send anyway and Edit", async () => {
    await bob.getByRole('textbox', { name: 'Reply message' }).fill('Hi Frank, Bob here. How can I help?')
    await alice.getByRole('textbox', { name: 'Reply message' }).fill('Hi Frank, Alice here. What do you need?')
    await alice.getByRole('button', { name: 'Send' }).click()
    await log(bob).getByText('Alice here. What do you need?').waitFor()

    // Bob's draft was last edited before Alice's reply arrived: it collides.
    await bob.getByRole('button', { name: 'Send' }).click()
    const held = bob.getByRole('alert', { name: 'Reply not sent' })
    await held.getByText('Alice here. What do you need?').waitFor()
    expect(await held.getByRole('button', { name: 'Send anyway' }).count()).toBe(1)
    expect(await held.getByRole('button', { name: 'Edit' }).count()).toBe(1)
    // Nothing went to the customer.
    expect(await log(alice).getByText('Bob here').count()).toBe(0)

    await held.getByRole('button', { name: 'Send anyway' }).click()
    await log(alice).getByText('Bob here. How can I help?').waitFor()
    await held.waitFor({ state: 'detached' })
  })

  it('Edit puts a held reply back into the draft', async () => {
    await bob.getByRole('textbox', { name: 'Reply message' }).fill('One more thing from Bob')
    await customerWrites(server, { email: 'frank.presence@example.net', name: 'Frank Presence' }, 'Thanks both!')
    await log(bob).getByText('Thanks both!').waitFor()
    await bob.getByRole('button', { name: 'Send' }).click()
    const held = bob.getByRole('alert', { name: 'Reply not sent' })
    await held.getByRole('button', { name: 'Edit' }).click()
    await held.waitFor({ state: 'detached' })
    expect(await bob.getByRole('textbox', { name: 'Reply message' }).inputValue()).toBe('One more thing from Bob')
    // Having seen the new message, a send now goes through.
    await bob.getByRole('button', { name: 'Send' }).click()
    await log(alice).getByText('One more thing from Bob').waitFor()
  })

  it("a reply draft is private to its author and survives a reload", async () => {
    await bob.getByRole('textbox', { name: 'Reply message' }).fill('Draft Bob keeps for later')
    await bob.reload()
    await log(bob).waitFor()
    await expect.poll(() => bob.getByRole('textbox', { name: 'Reply message' }).inputValue(), { timeout: 10_000 }).toBe('Draft Bob keeps for later')
    expect(await alice.getByRole('textbox', { name: 'Reply message' }).inputValue()).toBe('')
    await bob.getByRole('textbox', { name: 'Reply message' }).fill('')
  })

  it('both type in the shared note, see each other’s text and caret, and Add note makes one note', async () => {
    await alice.getByRole('tab', { name: 'Note' }).click()
    await bob.getByRole('tab', { name: 'Note' }).click()
    const aliceNote = alice.getByRole('textbox', { name: 'Internal note' })
    const bobNote = bob.getByRole('textbox', { name: 'Internal note' })
    await aliceNote.pressSequentially('VIP customer.', { delay: 10 })
    await expect.poll(() => bobNote.inputValue(), { timeout: 10_000 }).toBe('VIP customer.')
    await bobNote.click()
    await bobNote.press('End')
    await bobNote.pressSequentially(' Refund approved.', { delay: 10 })
    await expect.poll(() => aliceNote.inputValue(), { timeout: 10_000 }).toBe('VIP customer. Refund approved.')
    await alice.getByText(/Bob is writing here/).waitFor()
    await alice.locator('.caret .tag', { hasText: 'Bob' }).waitFor()

    await alice.getByRole('button', { name: 'Add note' }).click()
    for (const page of [alice, bob]) await log(page).getByText('VIP customer. Refund approved.').waitFor()
    await expect.poll(() => bobNote.inputValue(), { timeout: 10_000 }).toBe('')
    expect(await log(bob).getByText('VIP customer. Refund approved.').count()).toBe(1)
  })

  it('Bob offline assigns to himself while Alice assigns to herself: after reconnect both agree, the loser is told', async () => {
    await customerWrites(server, { email: 'gina.race@example.net', name: 'Gina Race' }, 'Who will take this?')
    await open(alice, /Gina Race/)
    await open(bob, /Gina Race/)

    proxy.cut()
    await bob.getByRole('status', { name: 'Sync status' }).getByText(/Offline/).waitFor()
    await bob.getByRole('button', { name: 'Assign to me' }).click()
    await alice.getByRole('button', { name: 'Assign to me' }).click()
    const assignee = (page: Page) => page.getByRole('combobox', { name: 'Assignee' }).locator('option:checked').textContent()
    await expect.poll(() => assignee(bob)).toBe('Bob Keller')
    await expect.poll(() => assignee(alice)).toBe('Alice Martin')

    proxy.restore()
    // The browser would say the network is back; the app reconnects at once instead of waiting out its backoff.
    await bob.evaluate(() => window.dispatchEvent(new Event('online')))
    await bob.getByRole('status', { name: 'Sync status' }).getByText('Online').waitFor({ timeout: 30_000 })
    await expect.poll(async () => (await assignee(alice)) === (await assignee(bob)), { timeout: 20_000 }).toBe(true)
    const winner = (await assignee(alice))!
    const loser = winner === 'Alice Martin' ? bob : alice
    const notice = loser.getByRole('status', { name: 'Changes made at the same time' })
    await notice.getByText(`${winner} assigned this to themselves at the same time`).waitFor({ timeout: 20_000 })
    const winnerPage = loser === bob ? alice : bob
    expect(await winnerPage.getByRole('status', { name: 'Changes made at the same time' }).count()).toBe(0)
  })
})
