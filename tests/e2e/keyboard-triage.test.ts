import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { TABLET, launchBrowser, signedInAgent } from '../support/browser.ts'
import { describeViolations, seriousViolations } from '../support/axe.ts'
import { eventually } from '../support/eventually.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

// An agent triages with the keyboard only: j/k move a cursor over the list, Enter opens, e resolves,
// a assigns to me, Escape goes back; `?` lists the shortcuts; Ctrl+K runs any action, canned
// responses included. Each result is checked in the UI and on the server.
describe('keyboard triage', () => {
  let server: ServerProcess
  let browser: Browser
  let alice: Page
  let token = ''
  let aliceId = ''
  const stamp = Date.now()
  const customers = ['Kira', 'Liam', 'Mona'].map((name) => ({ name: `${name} Keys`, email: `${name.toLowerCase()}.${stamp}@example.net` }))
  const ids = new Map<string, string>()

  const sync = () => alice.getByRole('status', { name: 'Sync status' })
  const list = () => alice.getByRole('tabpanel', { name: 'Conversation list' })
  const cursorRow = () => list().locator('a[aria-current="true"]')
  const heading = () => alice.getByRole('heading', { level: 1 })

  async function conversation(id: string): Promise<{ status: string; assigneeId: string | null }> {
    const response = await fetch(`${server.url}/api/conversations/${id}`, { headers: { authorization: `Bearer ${token}` } })
    expect(response.status).toBe(200)
    return ((await response.json()) as { conversation: { status: string; assigneeId: string | null } }).conversation
  }

  beforeAll(async () => {
    server = await startServerProcess()
    for (const c of customers) ids.set(c.name, (await customerWrites(server, c, `${c.name} needs help.`)).conversationId)
    const answer = await fetch(`${server.url}/api/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: 'demo-password' }),
    })
    token = ((await answer.json()) as { token: string }).token
    const workspace = await fetch(`${server.url}/api/workspace`, { headers: { authorization: `Bearer ${token}` } })
    aliceId = ((await workspace.json()) as { me: { id: string } }).me.id
    browser = await launchBrowser()
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    await sync().getByText('Online').waitFor()
    for (const c of customers) await list().getByRole('link', { name: new RegExp(c.name) }).waitFor()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('triages three conversations with j/k, Enter, e, a and Escape', async () => {
    // The newest activity is on top: the three new conversations, newest first.
    const order = [...customers].reverse().map((c) => c.name)
    await alice.locator('body').press('j')
    await cursorRow().filter({ hasText: order[0]! }).waitFor()
    await alice.keyboard.press('j')
    await cursorRow().filter({ hasText: order[1]! }).waitFor()
    await alice.keyboard.press('k')
    await cursorRow().filter({ hasText: order[0]! }).waitFor()
    // The cursor's row is the focused one, so a screen reader follows it.
    expect(await alice.evaluate(() => document.activeElement?.getAttribute('aria-current'))).toBe('true')

    for (const name of order) {
      // A resolved conversation leaves the Open list: the next j lands on the new top row.
      if (name !== order[0]) await alice.keyboard.press('j')
      await cursorRow().filter({ hasText: name }).waitFor()
      await alice.keyboard.press('Enter')
      await heading().filter({ hasText: name }).waitFor()
      const status = alice.getByRole('group', { name: 'Status' })
      await status.getByRole('button', { name: 'Resolve' }).waitFor()
      await alice.keyboard.press('e')
      await status.getByRole('button', { name: 'Reopen' }).waitFor()
      await alice.keyboard.press('a')
      await alice.getByRole('combobox', { name: 'Assignee' }).filter({ has: alice.locator(`option[value="${aliceId}"]:checked`) }).waitFor()
      await alice.keyboard.press('Escape')
      await heading().waitFor({ state: 'detached' })
      await list().getByRole('link', { name: new RegExp(name) }).waitFor({ state: 'detached' })
      await eventually(async () => expect(await conversation(ids.get(name)!)).toMatchObject({ status: 'resolved', assigneeId: aliceId }))
    }
  })

  it('ignores shortcuts while typing in a field, and Escape leaves the field first', async () => {
    const id = (await customerWrites(server, { name: 'Nico Keys', email: `nico.${stamp}@example.net` }, 'Typing test')).conversationId
    await list().getByRole('link', { name: /Nico Keys/ }).click()
    await heading().filter({ hasText: 'Nico Keys' }).waitFor()
    await alice.keyboard.press('r')
    const reply = alice.getByRole('textbox', { name: 'Reply message' })
    await expect.poll(() => reply.evaluate((el) => el === document.activeElement)).toBe(true)
    await alice.keyboard.type('eaj')
    expect(await reply.inputValue()).toBe('eaj')
    expect((await conversation(id)).status).toBe('open')
    await alice.keyboard.press('Escape')
    expect(await heading().textContent()).toContain('Nico Keys')
    await alice.keyboard.press('n')
    await expect.poll(() => alice.getByRole('tab', { name: 'Note' }).getAttribute('aria-selected')).toBe('true')
    await alice.keyboard.press('Escape')
    await alice.keyboard.press('Escape')
    await heading().waitFor({ state: 'detached' })
  })

  it('s opens the snooze menu and Escape closes it before going back; / focuses the search field', async () => {
    await list().getByRole('link', { name: /Nico Keys/ }).click()
    await heading().filter({ hasText: 'Nico Keys' }).waitFor()
    await alice.keyboard.press('s')
    const menu = alice.getByRole('menu', { name: 'Snooze until' })
    await menu.waitFor()
    await alice.keyboard.press('Escape')
    await menu.waitFor({ state: 'detached' })
    expect(await heading().textContent()).toContain('Nico Keys')
    await alice.locator('body').press('Escape')
    await heading().waitFor({ state: 'detached' })
    await alice.locator('body').press('/')
    const search = alice.getByRole('textbox', { name: 'Search conversations' }).or(alice.getByRole('searchbox', { name: 'Search conversations' }))
    await expect.poll(() => search.first().evaluate((el) => el === document.activeElement)).toBe(true)
    // The `/` opened the field and was not typed into it.
    expect(await search.first().inputValue()).toBe('')
    // While results replace the list, j/k walk the results (not the hidden rows) and Enter opens one.
    await search.first().fill('Nico')
    await list().waitFor({ state: 'hidden' })
    const results = alice.getByRole('list', { name: 'Search results' })
    await results.getByRole('link', { name: /Nico Keys/ }).waitFor()
    const before = await list().locator('a[aria-current]').allTextContents()
    await alice.keyboard.press('Escape')
    await alice.locator('body').press('j')
    const cursor = results.locator('a[aria-current="true"]')
    await cursor.filter({ hasText: 'Nico Keys' }).waitFor()
    expect(await alice.evaluate(() => document.activeElement?.textContent ?? '')).toContain('Nico Keys')
    expect(await list().locator('a[aria-current]').allTextContents()).toEqual(before)
    await alice.keyboard.press('Enter')
    await heading().filter({ hasText: 'Nico Keys' }).waitFor()
    await alice.locator('body').press('Escape')
    await heading().waitFor({ state: 'detached' })
    await search.first().fill('')
    await list().waitFor()
    await search.first().evaluate((el) => (el as HTMLElement).blur())
  })

  it('? opens the "Keyboard shortcuts" dialog listing them all; Escape closes it and focus returns', async () => {
    const before = await alice.evaluate(() => document.activeElement?.outerHTML.slice(0, 80) ?? '')
    await alice.keyboard.press('?')
    const dialog = alice.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await dialog.waitFor()
    const rows = dialog.getByRole('row')
    expect(await rows.count()).toBe(13)
    for (const label of ['Next conversation', 'Previous conversation', 'Open conversation', 'Reply', 'Note', 'Resolve (or Reopen)', 'Assign to me', 'Snooze', 'Search conversations', 'Command palette']) {
      await dialog.getByRole('cell', { name: label, exact: false }).first().waitFor()
    }
    // j in the dialog does not move the list behind it.
    const cursorBefore = await cursorRow().count()
    await alice.keyboard.press('j')
    expect(await cursorRow().count()).toBe(cursorBefore)
    await alice.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    // The browser closes the native dialog on Escape; Vue unmounts it, and gives focus back, a tick later.
    await expect.poll(() => alice.evaluate(() => document.activeElement?.outerHTML.slice(0, 80) ?? '')).toBe(before)
  })

  it('Ctrl+K runs Resolve on the open conversation and inserts a canned response', async () => {
    const id = (await customerWrites(server, { name: 'Olga Keys', email: `olga.${stamp}@example.net` }, 'Palette test')).conversationId
    await list().getByRole('link', { name: /Olga Keys/ }).click()
    await heading().filter({ hasText: 'Olga Keys' }).waitFor()

    await alice.keyboard.press('Control+k')
    const palette = alice.getByRole('dialog', { name: 'Command palette' })
    await palette.waitFor()
    const search = palette.getByRole('combobox', { name: 'Search actions' })
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true)
    await search.pressSequentially('resol')
    const actions = palette.getByRole('listbox', { name: 'Actions' })
    await expect.poll(() => actions.getByRole('option', { name: 'Resolve', exact: true }).getAttribute('aria-selected')).toBe('true')
    await search.press('Enter')
    await palette.waitFor({ state: 'detached' })
    await alice.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Reopen' }).waitFor()
    await eventually(async () => expect((await conversation(id)).status).toBe('resolved'))

    await alice.keyboard.press('Control+k')
    await palette.waitFor()
    await search.pressSequentially('thanks')
    const option = actions.getByRole('option', { name: /Canned response \/thanks/ })
    await option.waitFor()
    // Arrows move the active option; Enter runs it.
    while ((await option.getAttribute('aria-selected')) !== 'true') await search.press('ArrowDown')
    await search.press('Enter')
    await palette.waitFor({ state: 'detached' })
    const reply = alice.getByRole('textbox', { name: 'Reply message' })
    await expect.poll(() => reply.inputValue()).toContain('Thanks for reaching out, Olga Keys!')
    expect(await reply.evaluate((el) => el === document.activeElement)).toBe(true)
  })

  it('both dialogs pass axe-core (no serious or critical violations)', async () => {
    // bypassCSP: axe is injected as a script, which the app's own policy rightly refuses.
    const context = await browser.newContext({ viewport: TABLET, baseURL: server.url, bypassCSP: true })
    try {
      const page = await context.newPage()
      await page.goto('/')
      await page.getByLabel('Email').fill('alice@example.com')
      await page.getByLabel('Password').fill('demo-password')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('link', { name: /Nico Keys/ }).click()
      await page.getByRole('heading', { level: 1 }).filter({ hasText: 'Nico Keys' }).waitFor()
      await page.locator('body').press('?')
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor()
      const inShortcuts = await seriousViolations(page)
      expect(inShortcuts, describeViolations('keyboard shortcuts dialog', inShortcuts)).toEqual([])
      await page.keyboard.press('Escape')
      await page.keyboard.press('Control+k')
      await page.getByRole('dialog', { name: 'Command palette' }).getByRole('option').first().waitFor()
      const inPalette = await seriousViolations(page)
      expect(inPalette, describeViolations('command palette', inPalette)).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('works on a touch tablet with a hardware keyboard', async () => {
    const context = await browser.newContext({ viewport: TABLET, baseURL: server.url, hasTouch: true, isMobile: true })
    try {
      const page = await context.newPage()
      await page.goto('/')
      await page.getByLabel('Email').fill('alice@example.com')
      await page.getByLabel('Password').fill('demo-password')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('link', { name: /Nico Keys/ }).waitFor()
      await page.locator('body').press('j')
      await page.getByRole('tabpanel', { name: 'Conversation list' }).locator('a[aria-current="true"]').waitFor()
      await page.keyboard.press('Enter')
      await page.getByRole('heading', { level: 1 }).waitFor()
      await page.keyboard.press('?')
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor()
    } finally {
      await context.close()
    }
  })
})
