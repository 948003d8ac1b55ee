import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import WebSocket from 'ws'
import type { Activity } from '../../shared/presence.ts'
import { FeedSocketMessage } from '../../shared/schemas/feed.ts'
import { PHONE, launchBrowser, signedInAgent } from '../support/browser.ts'
import { removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'
import { PNG } from '../support/images.ts'

// The website live chat end to end: a visitor on the demo shop page (the widget in its Shadow DOM, from
// /widget.js) and Alice in the agent app. What Alice writes as a note, and her writing of it, never
// reaches the visitor (DESIGN §4 rule 7). The steps share one conversation and run in order; helpers
// below are meant for further steps (canned responses, images).

describe('website live chat', () => {
  let server: ServerProcess
  let browser: Browser
  let visitorContext: BrowserContext
  let visitor: Page
  let alice: Page
  let witness: PresenceWitness

  const VISITOR = 'Vera Visitor'
  const VISITOR_EMAIL = 'vera@customer.test'
  const NOTE = 'Internal: refund approved by finance, tell her tomorrow'

  /** The widget's parts, found as a person finds them (Playwright looks into open shadow roots). */
  const widget = (page: Page) => {
    const chat = page.getByRole('dialog', { name: 'Chat' })
    return {
      bubble: page.getByRole('button', { name: 'Open chat' }),
      chat,
      log: chat.getByRole('log', { name: 'Messages' }),
      typing: chat.getByRole('status'),
      message: chat.getByRole('textbox', { name: 'Message' }),
      send: chat.getByRole('button', { name: 'Send' }),
    }
  }
  const agentLog = (page: Page) => page.getByRole('log', { name: 'Messages' })
  const replyBox = (page: Page) => page.getByRole('textbox', { name: 'Reply message' })
  const composerTab = (page: Page, name: 'Reply' | 'Note') => page.getByRole('tab', { name, exact: true })

  async function visitorWrites(text: string): Promise<void> {
    const w = widget(visitor)
    await w.message.fill(text)
    await w.send.click()
    await w.log.getByText(text).waitFor()
  }

  async function aliceReplies(text: string): Promise<void> {
    await composerTab(alice, 'Reply').click()
    await replyBox(alice).fill(text)
    await alice.getByRole('button', { name: 'Send' }).click()
    await agentLog(alice).getByText(text).waitFor()
  }

  beforeAll(async () => {
    // `vite build` alone (the agent app) empties dist/; the widget is its own build.
    if (!existsSync(new URL('../../dist/widget.js', import.meta.url)))
      throw new Error('dist/widget.js is missing: run `npm run build` (npm test builds it first)')
    server = await startServerProcess()
    browser = await launchBrowser()
    witness = await PresenceWitness.open(server.url, 'bob@example.com', 'demo-password')
    visitorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    visitor = await visitorContext.newPage()
    visitor.on('pageerror', (error) => console.error('[visitor] page error:', error.message))
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
  })

  afterAll(async () => {
    witness?.close()
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('the demo shop page shows the chat bubble; the host page\'s loud CSS does not reach the widget', async () => {
    await visitor.goto(`${server.url}/widget-demo`)
    await visitor.getByRole('heading', { name: 'Northwind Tea Co.' }).waitFor()
    const w = widget(visitor)
    await w.bubble.click()
    await w.chat.waitFor()
    // The page makes every button pink with a dashed border; the widget's Send stays itself.
    const style = await w.send.evaluate((el) => {
      const s = getComputedStyle(el)
      return { background: s.backgroundColor, border: s.borderTopStyle, font: s.fontFamily }
    })
    expect(style.background).not.toBe('rgb(255, 105, 180)')
    expect(style.border).not.toBe('dashed')
    expect(await w.message.evaluate((el) => getComputedStyle(el).fontFamily)).not.toMatch(/Georgia/)
  })

  it('a visitor writes; Alice sees the conversation in the Website inbox live and opens it', async () => {
    const chat = widget(visitor).chat
    await chat.getByLabel('Name').fill(VISITOR)
    await chat.getByLabel('Email').fill(VISITOR_EMAIL)
    await visitorWrites('Hello! Do you ship tea to Norway?')

    const item = alice.getByRole('link', { name: new RegExp(VISITOR) })
    await item.getByText(/Website · #\d+/).waitFor()
    await item.click()
    await agentLog(alice).getByText('Do you ship tea to Norway?').waitFor()
  })

  it('the visitor sees "typing" while Alice writes a reply, then the reply itself, live', async () => {
    const w = widget(visitor)
    await composerTab(alice, 'Reply').click()
    await replyBox(alice).pressSequentially('Hi Vera, yes we do', { delay: 20 })
    await w.typing.getByText('Alice Martin is typing…').waitFor()
    await replyBox(alice).pressSequentially(': 3-5 days by post.', { delay: 5 })
    await alice.getByRole('button', { name: 'Send' }).click()
    await w.log.getByText('Hi Vera, yes we do: 3-5 days by post.').waitFor()
    await expect.poll(() => w.typing.textContent()).toBe('')
    expect(await w.log.getByText('Alice Martin').count()).toBeGreaterThan(0)
  })

  it('after a reload the visitor sees the whole history', async () => {
    await visitor.reload()
    const w = widget(visitor)
    await w.bubble.click()
    await w.log.getByText('Do you ship tea to Norway?').waitFor()
    await w.log.getByText('Hi Vera, yes we do: 3-5 days by post.').waitFor()
    // A returning visitor is not asked for their name again.
    expect(await w.chat.getByLabel('Name').isVisible()).toBe(false)
  })

  it('Alice writes a note: the visitor sees neither "typing" nor the note, only the reply after it', async () => {
    const w = widget(visitor)
    const shown = await recordTyping(visitor)
    await composerTab(alice, 'Note').click()
    await alice.getByRole('textbox', { name: 'Internal note' }).pressSequentially(NOTE, { delay: 15 })
    // The server has seen Alice writing a note (the agents' presence says so); a visitor push, had
    // there been one, would have gone out in the same moment.
    await witness.seen('alice@example.com', 'noting')
    await visitor.waitForTimeout(300)
    expect(await shown()).toEqual([])
    await alice.getByRole('button', { name: 'Add note' }).click()
    await agentLog(alice).getByText(NOTE).waitFor()

    // The next reply arrives; the note before it never did.
    await aliceReplies('Anything else I can help with?')
    await w.log.getByText('Anything else I can help with?').waitFor()
    expect(await w.log.getByText(/refund approved/).count()).toBe(0)
    await visitor.reload()
    await w.bubble.click()
    await w.log.getByText('Anything else I can help with?').waitFor()
    expect(await w.log.textContent()).not.toContain('refund approved')
  })

  it('Alice answers with a canned response and an image: the visitor sees both, and never the note', async () => {
    const w = widget(visitor)
    await composerTab(alice, 'Reply').click()
    await replyBox(alice).fill('')
    await replyBox(alice).pressSequentially('/thanks', { delay: 10 })
    await alice.getByRole('listbox', { name: 'Canned responses' }).waitFor()
    await replyBox(alice).press('Enter')
    await expect.poll(() => replyBox(alice).inputValue()).toContain(`Thanks for reaching out, ${VISITOR}!`)
    const [chooser] = await Promise.all([alice.waitForEvent('filechooser'), alice.getByRole('button', { name: 'Attach files' }).click()])
    await chooser.setFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: PNG })
    await alice.getByRole('button', { name: 'Send' }).click()
    await agentLog(alice).getByText(`Thanks for reaching out, ${VISITOR}!`).waitFor()

    await w.log.getByText(`Thanks for reaching out, ${VISITOR}!`).waitFor()
    const image = w.log.getByRole('img', { name: 'receipt.png' })
    await image.waitFor()
    await expect.poll(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
    expect(await w.log.textContent()).not.toContain('refund approved')
  })

  it('while Alice types a reply again, the visitor sees "typing" (the indicator still works)', async () => {
    const w = widget(visitor)
    await composerTab(alice, 'Reply').click()
    await replyBox(alice).pressSequentially('One more th', { delay: 20 })
    await w.typing.getByText('Alice Martin is typing…').waitFor()
    await replyBox(alice).fill('')
  })

  it('the customer panel shows the typed email as not verified; Block visitor ends the visitor\'s chat at once', async () => {
    await alice.getByRole('button', { name: 'Customer details' }).click()
    const panel = alice.getByRole('region', { name: 'Customer' })
    await panel.getByText(VISITOR_EMAIL).waitFor()
    await panel.getByText('Email not verified').waitFor()
    // Not offered as an address to write to: anyone can type any address.
    expect(await panel.getByRole('link', { name: VISITOR_EMAIL }).count()).toBe(0)

    await panel.getByRole('button', { name: 'Block visitor' }).click()
    await panel.getByRole('button', { name: 'Block', exact: true }).click()
    await panel.getByRole('status').getByText('Visitor blocked').waitFor()

    // The widget's token is dead: its socket closed, it starts over as a new visitor (no history).
    const w = widget(visitor)
    await w.chat.getByLabel('Name').waitFor()
    expect(await w.log.getByText('Do you ship tea to Norway?').count()).toBe(0)
    await alice.getByRole('button', { name: 'Close customer details' }).click()
  })

  it('Settings → Channels shows the Website embed snippet (Copy) and the Email address', async () => {
    await alice.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    await alice.goto(`${server.url}/settings/channels`)
    const snippet = alice.getByRole('textbox', { name: 'Embed snippet for Website' })
    const value = await snippet.inputValue()
    expect(value).toMatch(new RegExp(`^<script src="${server.url}/widget.js" data-inbox-key="pk_[\\w-]+" async></script>$`))
    // The demo page embeds the same inbox.
    const demoKey = await visitor.locator('script[data-inbox-key]').getAttribute('data-inbox-key')
    expect(value).toContain(`data-inbox-key="${demoKey}"`)
    await alice.getByRole('button', { name: 'Copy snippet' }).click()
    await alice.getByRole('status').getByText('Copied').waitFor()
    await alice.getByText('support@acme.test').waitFor()
  })

  it('on a phone the chat fills the screen and works from the keyboard', async () => {
    const context = await browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true })
    try {
      const page = await context.newPage()
      await page.goto(`${server.url}/widget-demo`)
      const w = widget(page)
      await w.bubble.focus()
      await page.keyboard.press('Enter')
      await w.chat.waitFor()
      const box = await w.chat.boundingBox()
      expect(Math.round(box?.width ?? 0)).toBe(PHONE.width)
      expect(Math.round(box?.height ?? 0)).toBe(PHONE.height)
      // On a touch screen the dialog takes the focus (no on-screen keyboard over the conversation yet).
      expect(await w.chat.evaluate((el) => el.matches(':focus'))).toBe(true)
      await page.keyboard.press('Tab')
      expect(await w.chat.evaluate((el) => el.matches(':focus-within'))).toBe(true)
      await page.keyboard.press('Escape')
      await w.chat.waitFor({ state: 'hidden' })
      expect(await w.bubble.evaluate((el) => el.matches(':focus'))).toBe(true)
    } finally {
      await context.close()
    }
  })
})

/** Starts recording what the widget's typing line shows; the returned function reads the record. */
async function recordTyping(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const host = document.querySelector('support-inbox-widget')
    const line = host?.shadowRoot?.querySelector('[role="status"]')
    if (!line) throw new Error('no typing line in the widget')
    const shown: string[] = []
    ;(window as unknown as { __typingShown: string[] }).__typingShown = shown
    new MutationObserver(() => {
      if (line.textContent) shown.push(line.textContent)
    }).observe(line, { childList: true, characterData: true, subtree: true })
  })
  return () => page.evaluate(() => (window as unknown as { __typingShown: string[] }).__typingShown)
}

/**
 * The agents' view of presence, from the feed socket in Node: the server publishes it in the same
 * step in which it would tell a visitor, so it proves the server has processed an agent's activity.
 */
class PresenceWitness {
  private readonly latest = new Map<string, Activity>()

  private constructor(
    private readonly socket: WebSocket,
    private readonly agentIds: Map<string, string>,
  ) {
    socket.on('message', (data: Buffer) => {
      const message = FeedSocketMessage.parse(JSON.parse(data.toString('utf8')))
      if (message.type !== 'presence') return
      for (const c of message.conversations) for (const a of c.agents) this.latest.set(a.id, a.activity)
    })
  }

  static async open(baseUrl: string, email: string, password: string): Promise<PresenceWitness> {
    const tokenRes = await fetch(`${baseUrl}/api/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, label: 'e2e presence witness' }),
    })
    const { token } = (await tokenRes.json()) as { token: string }
    const workspace = (await (await fetch(`${baseUrl}/api/workspace`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      agents: { id: string; email: string }[]
    }
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/feed/live`, { headers: { authorization: `Bearer ${token}` } })
    const witness = new PresenceWitness(socket, new Map(workspace.agents.map((a) => [a.email, a.id])))
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
    })
    return witness
  }

  async seen(email: string, activity: Activity, timeout = 10_000): Promise<void> {
    const id = this.agentIds.get(email)
    const deadline = Date.now() + timeout
    while (this.latest.get(id ?? '') !== activity) {
      if (Date.now() > deadline) throw new Error(`${email} was not seen ${activity}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  close(): void {
    this.socket.terminate()
  }
}
