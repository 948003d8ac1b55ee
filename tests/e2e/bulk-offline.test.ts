import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { eventually } from '../support/eventually.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

interface TimelineMessage {
  kind: string
  body: string
}

// Bulk actions are the single actions applied to each conversation: offline (the server process really
// stopped) each waits like any edit, and when the server is back each is stored, and acted on, once.
describe('bulk actions and priority', () => {
  let server: ServerProcess
  let port: number
  let browser: Browser
  let alice: Page
  let bob: Page
  let token = ''
  const stamp = Date.now()
  const customers = ['Gina', 'Hugo', 'Ines'].map((name) => ({ name: `${name} Bulk`, email: `${name.toLowerCase()}.${stamp}@example.net` }))
  const conversations: { id: string; number: number }[] = []

  const sync = (page: Page) => page.getByRole('status', { name: 'Sync status' })
  const link = (page: Page, name: string) => page.getByRole('link', { name: new RegExp(name) })

  async function get(id: string): Promise<{ conversation: { status: string; priority: string; number: number }; messages: TimelineMessage[] }> {
    const response = await fetch(`${server.url}/api/conversations/${id}`, { headers: { authorization: `Bearer ${token}` } })
    expect(response.status).toBe(200)
    return response.json()
  }

  beforeAll(async () => {
    server = await startServerProcess()
    port = Number(new URL(server.url).port)
    for (const c of customers) {
      const { conversationId } = await customerWrites(server, c, `${c.name} needs help.`)
      conversations.push({ id: conversationId, number: 0 })
    }
    const answer = await fetch(`${server.url}/api/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bob@example.com', password: 'demo-password' }),
    })
    token = ((await answer.json()) as { token: string }).token
    for (const c of conversations) c.number = (await get(c.id)).conversation.number
    browser = await launchBrowser()
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    bob = (await signedInAgent(browser, server.url, 'bob@example.com', 'demo-password')).page
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

  it("Alice's Priority choice reaches Bob live: his open conversation and his list", async () => {
    const [gina] = customers
    await bob.getByRole('link', { name: /Gina Bulk/ }).click()
    await alice.getByRole('link', { name: /Gina Bulk/ }).click()
    await alice.getByRole('combobox', { name: 'Priority' }).selectOption({ label: 'Urgent' })
    await eventually(async () => expect(await bob.getByRole('combobox', { name: 'Priority' }).inputValue()).toBe('urgent'), { timeout: 15_000 })
    await link(bob, `${gina!.name}.*Priority Urgent`).waitFor({ timeout: 15_000 })
    await eventually(async () => expect((await get(conversations[0]!.id)).conversation.priority).toBe('urgent'), { timeout: 15_000 })
  })

  it('sorts by Priority: the Urgent conversation rises above newer ones, and the order stays in the URL', async () => {
    const top = async (name: string) => (await link(bob, name).boundingBox())!.y
    const [gina, hugo, ines] = customers
    expect(await top(gina!.name)).toBeGreaterThan(await top(ines!.name))
    await bob.getByRole('combobox', { name: 'Sort' }).selectOption({ label: 'Priority' })
    await eventually(async () => expect(await top(gina!.name)).toBeLessThan(await top(hugo!.name)))
    expect(new URL(bob.url()).searchParams.get('sort')).toBe('priority')
    await bob.getByRole('combobox', { name: 'Sort' }).selectOption({ label: 'Newest activity' })
    await eventually(async () => expect(await top(gina!.name)).toBeGreaterThan(await top(ines!.name)))
  })

  it('resolves three conversations at once with the server stopped; each waits', async () => {
    await sync(alice).getByText('Online').waitFor({ timeout: 15_000 })
    await server.stop()
    await sync(alice).getByText(/Offline/).waitFor({ timeout: 15_000 })
    await alice.getByRole('button', { name: 'Select' }).click()
    for (const c of conversations) await alice.getByRole('checkbox', { name: `Select conversation #${c.number}` }).check()
    const bar = alice.getByRole('toolbar', { name: 'Selected conversations' })
    await bar.getByText('3 selected').waitFor()
    await bar.getByRole('button', { name: 'Resolve' }).click()
    await bar.getByText('Resolved 3 conversations').waitFor()
    await sync(alice).getByText('Offline · 3 waiting').waitFor()
    // Resolved here at once: they left the Open tab on the device.
    for (const c of customers) await eventually(async () => expect(await link(alice, c.name).count()).toBe(0))
  })

  it('when the server is back, each is resolved there once and Bob sees them resolved', async () => {
    const { apiToken } = server
    server = { ...(await startServerProcess({ dataDir: server.dataDir, env: { PORT: String(port) } })), apiToken }
    await alice.evaluate(() => window.dispatchEvent(new Event('online')))
    await sync(alice).getByText('Online').waitFor({ timeout: 30_000 })

    for (const c of conversations) {
      await eventually(
        async () => {
          const { conversation, messages } = await get(c.id)
          expect(conversation.status).toBe('resolved')
          const lines = messages.filter((m) => m.kind === 'activity' && m.body.includes('resolved the conversation'))
          expect(lines.map((m) => m.body)).toEqual(['Alice Martin resolved the conversation'])
        },
        { timeout: 15_000 },
      )
    }
    await bob.getByRole('tab', { name: 'Resolved' }).click()
    for (const c of customers) await link(bob, c.name).waitFor({ timeout: 30_000 })
  })

  it('a long press with a finger starts selecting with that row, without opening it', async () => {
    const row = link(bob, customers[1]!.name)
    const box = (await row.boundingBox())!
    const at = { clientX: box.x + box.width / 2, clientY: box.y + box.height / 2, bubbles: true, pointerType: 'touch', isPrimary: true }
    await row.dispatchEvent('pointerdown', at)
    // The checkbox appears once the press has lasted long enough; the finger lifts after that.
    const checkbox = bob.getByRole('checkbox', { name: `Select conversation #${conversations[1]!.number}` })
    await checkbox.waitFor()
    await row.dispatchEvent('pointerup', at)
    await row.dispatchEvent('click', at)
    expect(await checkbox.isChecked()).toBe(true)
    await bob.getByRole('toolbar', { name: 'Selected conversations' }).getByText('1 selected').waitFor()
    expect(new URL(bob.url()).pathname).not.toContain(conversations[1]!.id)
    await bob.getByRole('button', { name: 'Cancel' }).click()
    await eventually(async () => expect(await bob.getByRole('checkbox').count()).toBe(0))
  })
})
