import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

// The core inbox in a real browser: two agents in two contexts on a tablet viewport, the real server
// process, a customer writing through the API channel.
describe('two agents on one conversation', () => {
  let server: ServerProcess
  let browser: Browser
  let alice: Page
  let bob: Page
  const customer = { email: `dana.${Date.now()}@example.net`, name: 'Dana Whitfield' }
  let conversationId = ''

  const conversationLink = (page: Page) => page.getByRole('link', { name: /Dana Whitfield/ }).first()
  const statusBadge = (page: Page) => page.getByRole('main').locator('.meta .status-badge')
  const log = (page: Page) => page.getByRole('log', { name: 'Messages' })

  beforeAll(async () => {
    server = await startServerProcess()
    browser = await launchBrowser()
    ;({ conversationId } = await customerWrites(server, customer, 'Hello, I was charged twice for order 4411.'))
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    bob = (await signedInAgent(browser, server.url, 'bob@example.com', 'demo-password')).page
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('shows the new conversation in both inboxes and opens it with its history and customer', async () => {
    for (const page of [alice, bob]) {
      await conversationLink(page).click()
      await log(page).getByText('charged twice for order 4411').waitFor()
    }
    await expect(statusBadge(alice).textContent()).resolves.toMatch(/Open/)
    await alice.getByRole('button', { name: 'Customer details' }).click()
    const panel = alice.getByRole('region', { name: 'Customer' })
    await panel.getByText(customer.email).waitFor()
    expect(await panel.getByText('Dana Whitfield').count()).toBeGreaterThan(0)
    await alice.getByRole('button', { name: 'Close customer details' }).click()
  })

  it("Bob sees Alice's reply and her Resolve live, without a reload", async () => {
    await alice.getByRole('textbox', { name: 'Reply message' }).fill('Sorry about that, **refunded** the second charge.')
    await alice.getByRole('button', { name: 'Send' }).click()
    await log(bob).getByText('the second charge').waitFor()
    // Markdown is rendered: the bold word is a <strong>.
    expect(await log(bob).locator('strong', { hasText: 'refunded' }).count()).toBe(1)

    await alice.getByRole('button', { name: 'Resolve' }).click()
    await statusBadge(bob).filter({ hasText: 'Resolved' }).waitFor()
    await log(bob).getByText('Alice Martin resolved the conversation').waitFor()
    // It left Bob's Open list.
    await bob.getByRole('link', { name: /Dana Whitfield/ }).waitFor({ state: 'detached' })
  })

  it("a customer's new message through the API channel reopens it for both", async () => {
    // The customer's script answers in the same conversation, which is resolved by now.
    await customerWrites(server, customer, 'Thanks! One more question about the invoice.', conversationId)
    for (const page of [alice, bob]) {
      await log(page).getByText('One more question about the invoice').waitFor()
      await statusBadge(page).filter({ hasText: 'Open' }).waitFor()
    }
    await log(alice).getByText(/Reopened: the customer wrote/).waitFor()
  })

  it('a resolved conversation can be reopened from the Resolved filter', async () => {
    await alice.getByRole('button', { name: 'Resolve' }).click()
    await statusBadge(bob).filter({ hasText: 'Resolved' }).waitFor()

    await bob.getByRole('tab', { name: 'Resolved' }).click()
    await conversationLink(bob).click()
    await bob.getByRole('button', { name: 'Reopen' }).click()
    await statusBadge(alice).filter({ hasText: 'Open' }).waitFor()
    await log(alice).getByText('Bob Keller reopened the conversation').waitFor()
    expect(await alice.getByRole('button', { name: 'Resolve' }).count()).toBe(1)
  })

  it('a reload keeps Alice signed in on the same conversation, read from the device', async () => {
    const before = alice.url()
    await alice.reload()
    await log(alice).getByText('charged twice for order 4411').waitFor()
    expect(alice.url()).toBe(before)
    await alice.getByRole('tab', { name: 'Open' }).waitFor()
  })

  it('assignment by one agent shows in the other\'s view and list', async () => {
    await alice.getByRole('button', { name: 'Assign to me' }).click()
    await bob.getByRole('combobox', { name: 'Assignee' }).locator('option:checked', { hasText: 'Alice Martin' }).waitFor({ state: 'attached' })
    await log(bob).getByText('Alice Martin took the conversation').waitFor()
  })
})
