import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { PHONE, launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

// Canned responses in the composer: `/` opens the list, the keyboard or a tap inserts one with its
// variables filled in, and the list comes from the device, so it works with the server stopped.
describe('canned responses in the composer', () => {
  let server: ServerProcess
  let browser: Browser
  let alice: Page
  const nora = { email: 'nora.canned@example.net', name: 'Nora Canned' }

  const log = () => alice.getByRole('log', { name: 'Messages' })
  const sync = () => alice.getByRole('status', { name: 'Sync status' })
  const reply = () => alice.getByRole('textbox', { name: 'Reply message' })
  const list = () => alice.getByRole('listbox', { name: 'Canned responses' })
  const option = (code: string) => list().getByRole('option', { name: `/${code}`, exact: true })
  const openNora = async () => {
    await alice.getByRole('link', { name: /Nora Canned/ }).click()
    await log().getByText('Where is my order?').waitFor()
  }

  beforeAll(async () => {
    server = await startServerProcess()
    await customerWrites(server, nora, 'Where is my order?')
    browser = await launchBrowser()
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    await alice.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    await sync().getByText('Online').waitFor()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('types /thanks in a reply, chooses it with the keyboard, the name is filled in, and sends it', async () => {
    await openNora()
    await reply().click()
    await reply().pressSequentially('/')
    await option('thanks').waitFor()
    expect(await list().getByRole('option').count()).toBe(3)
    await reply().pressSequentially('th')
    // Filtered as the agent types; the best match is active, arrows move, Enter inserts.
    await expect.poll(() => option('thanks').getAttribute('aria-selected')).toBe('true')
    const options = await list().getByRole('option').count()
    await reply().press('ArrowDown')
    if (options > 1) expect(await option('thanks').getAttribute('aria-selected')).toBe('false')
    await reply().press('ArrowUp')
    expect(await option('thanks').getAttribute('aria-selected')).toBe('true')
    expect(await reply().getAttribute('aria-activedescendant')).toBe(await option('thanks').getAttribute('id'))
    await reply().press('Enter')

    await list().waitFor({ state: 'detached' })
    const text = await reply().inputValue()
    expect(text).toBe('Thanks for reaching out, Nora Canned! I am looking into it now.\n\nAlice Martin')
    await alice.getByRole('button', { name: 'Send' }).click()
    await log().getByText('Thanks for reaching out, Nora Canned!').waitFor()
    expect(await reply().inputValue()).toBe('')
  })

  it('Escape closes the list and keeps the text; "and/or" does not open it', async () => {
    await reply().pressSequentially('Use /ship')
    await option('shipping').waitFor()
    await reply().press('Escape')
    await list().waitFor({ state: 'detached' })
    expect(await reply().inputValue()).toBe('Use /ship')
    await reply().fill('')
    await reply().pressSequentially('and/or')
    await alice.waitForTimeout(200)
    expect(await list().count()).toBe(0)
    await reply().fill('')
  })

  it('a click inserts into the shared note, through the same path as typing', async () => {
    await alice.getByRole('tab', { name: 'Note' }).click()
    const note = alice.getByRole('textbox', { name: 'Internal note' })
    await note.click()
    await note.pressSequentially('FYI /ref')
    await option('refund').click()
    await list().waitFor({ state: 'detached' })
    expect(await note.inputValue()).toBe('FYI Hi Nora, I have started your refund. It shows on your statement within 5-10 business days.\n\nAlice Martin')
    // The note is read from the shared Y.Text when it is added: the insertion reached it.
    await alice.getByRole('button', { name: 'Add note' }).click()
    await log().getByText('FYI Hi Nora, I have started your refund.').waitFor()
    await alice.getByRole('tab', { name: 'Reply' }).click()
  })

  it('settings add a canned response, which the composer offers at once', async () => {
    await alice.getByRole('link', { name: 'Settings' }).click()
    await alice.getByRole('tab', { name: 'Canned responses' }).click()
    const section = alice.getByRole('tabpanel', { name: 'Canned responses' })
    await section.getByRole('list', { name: 'Canned responses' }).getByRole('listitem', { name: '/thanks' }).waitFor()
    await section.getByRole('button', { name: 'Add canned response' }).click()
    await section.getByLabel('Short code').fill('hours')
    await section.getByLabel('Content').fill('We are open 9 to 5, {{contact.first_name | friend}}.')
    await section.getByRole('button', { name: 'Save canned response' }).click()
    await section.getByRole('listitem', { name: '/hours' }).waitFor()

    // A duplicate short code is refused by the server, named on the field.
    await section.getByRole('button', { name: 'Add canned response' }).click()
    await section.getByLabel('Short code').fill('hours')
    await section.getByLabel('Content').fill('Again')
    await section.getByRole('button', { name: 'Save canned response' }).click()
    await section.getByText('This short code is already used').waitFor()
    await section.getByRole('button', { name: 'Cancel' }).click()

    await section.getByRole('searchbox', { name: 'Search canned responses' }).fill('open 9')
    await expect.poll(() => section.getByRole('listitem').count()).toBe(1)

    await alice.getByRole('link', { name: '‹ Inbox' }).click()
    await openNora()
    await reply().click()
    await reply().pressSequentially('/hou')
    await option('hours').waitFor()
    await reply().press('Tab')
    expect(await reply().inputValue()).toBe('We are open 9 to 5, Nora.')
    await reply().fill('')
  })

  it('on a phone, a tap inserts, the focus stays in the reply, and every option is a 44 px target', async () => {
    const context = await browser.newContext({ viewport: PHONE, baseURL: server.url, hasTouch: true, isMobile: true })
    try {
      const bob = await context.newPage()
      await bob.goto('/')
      await bob.getByLabel('Email').fill('bob@example.com')
      await bob.getByLabel('Password').fill('demo-password')
      await bob.getByRole('button', { name: 'Sign in' }).click()
      await bob.getByRole('link', { name: /Nora Canned/ }).tap()
      const box = bob.getByRole('textbox', { name: 'Reply message' })
      await box.tap()
      await box.pressSequentially('/')
      const options = bob.getByRole('listbox', { name: 'Canned responses' }).getByRole('option')
      await options.first().waitFor()
      for (const height of await options.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))) {
        expect(height).toBeGreaterThanOrEqual(44)
      }
      await options.filter({ hasText: '/shipping' }).tap()
      expect(await box.inputValue()).toMatch(/^Hi Nora, orders ship within 2 business days[^]*Bob Keller$/)
      expect(await box.evaluate((el) => document.activeElement === el)).toBe(true)
    } finally {
      await context.close()
    }
  })

  it('with the server stopped, after a reload, the list still shows them; settings say editing needs a connection', async () => {
    await server.stop()
    await alice.reload()
    await sync().getByText(/Offline/).waitFor()
    await openNora()
    await reply().click()
    await reply().pressSequentially('/')
    await option('thanks').waitFor()
    const codes = await list().getByRole('option').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))
    expect(codes).toEqual(['/hours', '/refund', '/shipping', '/thanks'])
    await reply().pressSequentially('shi')
    await reply().press('Enter')
    expect(await reply().inputValue()).toMatch(/^Hi Nora, orders ship within 2 business days/)
    await reply().fill('')

    await alice.getByRole('link', { name: 'Settings' }).click()
    await alice.getByRole('tab', { name: 'Canned responses' }).click()
    const section = alice.getByRole('tabpanel', { name: 'Canned responses' })
    await section.getByText('You are offline.').waitFor()
    await section.getByRole('listitem', { name: '/thanks' }).waitFor()
    expect(await section.getByRole('button', { name: 'Add canned response' }).isDisabled()).toBe(true)
    expect(await section.getByRole('button', { name: 'Edit /thanks' }).isDisabled()).toBe(true)
  })
})
