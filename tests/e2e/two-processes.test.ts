import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { type Cluster, startCluster } from '../support/cluster.ts'
import { customerWrites, type ServerProcess } from '../support/server-process.ts'
import { type TcpProxy, startTcpProxy } from '../support/tcp-proxy.ts'

// The core inbox with two agents in Chromium on two server processes of one service (issue 11):
// Alice reaches process A and Bob process B, each through a proxy (their load balancer). Then A goes
// away for Alice: her proxy drops her connections and sends her to B, and she carries on.
describe('two agents on two processes', () => {
  let cluster: Cluster
  let a: ServerProcess
  let b: ServerProcess
  let toA: TcpProxy
  let toB: TcpProxy
  let browser: Browser
  let alice: Page
  let bob: Page
  const customer = { email: `erin.${randomUUID()}@example.net`, name: 'Erin Twoproc' }
  let conversationId = ''

  const link = (page: Page) => page.getByRole('link', { name: /Erin Twoproc/ }).first()
  const log = (page: Page) => page.getByRole('log', { name: 'Messages' })
  const statusBadge = (page: Page) => page.getByRole('main').locator('.meta .status-badge')
  const sync = (page: Page) => page.getByRole('status', { name: 'Sync status' })
  const port = (p: ServerProcess) => Number(new URL(p.url).port)

  beforeAll(async () => {
    cluster = await startCluster(2, { serveApp: true })
    ;[a, b] = cluster.processes as [ServerProcess, ServerProcess]
    ;[toA, toB] = await Promise.all([startTcpProxy({ host: '127.0.0.1', port: port(a) }), startTcpProxy({ host: '127.0.0.1', port: port(b) })])
    browser = await launchBrowser()
    alice = (await signedInAgent(browser, toA.url, 'alice@example.com', 'demo-password')).page
    bob = (await signedInAgent(browser, toB.url, 'bob@example.com', 'demo-password')).page
    for (const page of [alice, bob]) await sync(page).getByText('Online').waitFor()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await Promise.all([toA?.close(), toB?.close()])
    await cluster?.stop()
  })

  it('a customer message written to A shows in both lists; a reply on A and a Resolve on B are live on the other', async () => {
    ;({ conversationId } = await customerWrites({ url: a.url, apiToken: cluster.apiToken }, customer, 'My order 5150 never came.'))
    for (const page of [alice, bob]) {
      await link(page).click()
      await log(page).getByText('order 5150 never came').waitFor()
    }
    await alice.getByRole('textbox', { name: 'Reply message' }).fill('Sending a replacement today.')
    await alice.getByRole('button', { name: 'Send' }).click()
    await log(bob).getByText('Sending a replacement today.').waitFor()

    await bob.getByRole('button', { name: 'Resolve' }).click()
    await statusBadge(alice).filter({ hasText: 'Resolved' }).waitFor()
    await log(alice).getByText('Bob Keller resolved the conversation').waitFor()
  })

  it("a customer reply written to B reopens it for both; Bob's assignment shows on Alice's side", async () => {
    await customerWrites({ url: b.url, apiToken: cluster.apiToken }, customer, 'It arrived damaged, though.', conversationId)
    for (const page of [alice, bob]) {
      await log(page).getByText('It arrived damaged').waitFor()
      await statusBadge(page).filter({ hasText: 'Open' }).waitFor()
    }
    await bob.getByRole('combobox', { name: 'Assignee' }).selectOption({ label: 'Bob Keller' })
    await alice.getByRole('combobox', { name: 'Assignee' }).locator('option:checked', { hasText: 'Bob Keller' }).waitFor({ state: 'attached' })
  })

  it('when A goes away for Alice, she reconnects to B and goes on working live', async () => {
    toA.retarget({ host: '127.0.0.1', port: port(b) })
    toA.cut()
    await sync(alice).getByText('Online').waitFor({ state: 'detached' })
    toA.restore()
    await sync(alice).getByText('Online').waitFor({ timeout: 30_000 })
    await alice.getByRole('textbox', { name: 'Reply message' }).fill('Replacement is on its way.')
    await alice.getByRole('button', { name: 'Send' }).click()
    await log(bob).getByText('Replacement is on its way.').waitFor()
  })
})
