import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import { MAX_ATTACHMENT_BYTES } from '../../shared/schemas/entities.ts'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'
import { PNG } from '../support/images.ts'

// Files in the composer and the log, in a real browser: chosen with the picker, previewed as images
// or listed as links for the colleague; written offline, they wait on the device and upload once.


describe('attachments in the agent app', () => {
  let server: ServerProcess
  let port: number
  let browser: Browser
  let alice: Page
  let bob: Page
  let files: string
  const fiona = { email: 'fiona.files@example.net', name: 'Fiona Files' }
  const gary = { email: 'gary.gallery@example.net', name: 'Gary Gallery' }

  const log = (page: Page) => page.getByRole('log', { name: 'Messages' })
  const sync = (page: Page) => page.getByRole('status', { name: 'Sync status' })
  const open = async (page: Page, name: RegExp) => {
    await page.getByRole('link', { name }).first().click()
    await log(page).waitFor()
  }

  /** Chooses files the way an agent does: the "Attach files" button opens the file chooser. */
  async function attach(page: Page, chosen: Parameters<import('playwright-core').FileChooser['setFiles']>[0]) {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Attach files' }).click()])
    expect(chooser.isMultiple()).toBe(true)
    await chooser.setFiles(chosen)
  }

  const loaded = (img: Locator) => img.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0))

  beforeAll(async () => {
    files = mkdtempSync(path.join(tmpdir(), 'inbox-files-'))
    server = await startServerProcess()
    port = Number(new URL(server.url).port)
    await customerWrites(server, fiona, 'Which plan am I on?')
    await customerWrites(server, gary, 'Can you send me a picture of the part?')
    browser = await launchBrowser()
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    bob = (await signedInAgent(browser, server.url, 'bob@example.com', 'demo-password')).page
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
    if (files) rmSync(files, { recursive: true, force: true })
  })

  it('an image attached to a reply is previewed for a colleague, loaded from the server', async () => {
    await open(alice, /Fiona Files/)
    await attach(alice, { name: 'plan.png', mimeType: 'image/png', buffer: PNG })
    const chips = alice.getByRole('list', { name: 'Attached files' })
    await chips.getByText('plan.png').waitFor()
    await chips.getByRole('button', { name: 'Remove plan.png' }).waitFor()
    await alice.getByRole('textbox', { name: 'Reply message' }).fill('Here is your plan.')
    await alice.getByRole('button', { name: 'Send' }).click()
    await chips.waitFor({ state: 'detached' })

    await open(bob, /Fiona Files/)
    const preview = log(bob).getByRole('img', { name: 'plan.png' })
    await preview.waitFor({ timeout: 15_000 })
    expect(await preview.getAttribute('loading')).toBe('lazy')
    expect(await preview.getAttribute('src')).toMatch(/^\/api\/attachments\/[0-9a-f-]{36}$/)
    await expect.poll(() => loaded(preview), { timeout: 10_000 }).toBe(3)
    // Alice's own log has it from the server too, once the reply is in the feed.
    const own = log(alice).getByRole('img', { name: 'plan.png' })
    await expect.poll(async () => (await own.getAttribute('src')) ?? '', { timeout: 10_000 }).toMatch(/^\/api\/attachments\//)
    await expect.poll(() => loaded(own), { timeout: 10_000 }).toBe(3)
  })

  it('a text file attached to a note shows as a link to the file; a removed file does not go', async () => {
    await open(alice, /Fiona Files/)
    await alice.getByRole('tab', { name: 'Note' }).click()
    await attach(alice, [
      { name: 'contract-notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Renewal due in March.') },
      { name: 'oops.txt', mimeType: 'text/plain', buffer: Buffer.from('wrong file') },
    ])
    await alice.getByRole('button', { name: 'Remove oops.txt' }).click()
    await alice.getByRole('button', { name: 'Remove oops.txt' }).waitFor({ state: 'detached' })
    await alice.getByRole('textbox', { name: 'Internal note' }).fill('Contract details attached')
    await alice.getByRole('button', { name: 'Add note' }).click()

    await log(bob).getByText('Contract details attached').waitFor()
    const link = log(bob).getByRole('link', { name: 'contract-notes.txt' })
    await link.waitFor()
    const href = await link.getAttribute('href')
    expect(href).toMatch(/^\/api\/attachments\//)
    // The link serves the bytes to Bob's session (cookie, same origin).
    expect(await bob.evaluate(async (url) => (await fetch(url!)).text(), href)).toBe('Renewal due in March.')
    expect(await log(bob).getByText('oops.txt').count()).toBe(0)
    await alice.getByRole('tab', { name: 'Reply' }).click()
  })

  it('the limits are said before sending: a file over 40 MB by name, more than 15 files by count', async () => {
    await open(alice, /Fiona Files/)
    const huge = path.join(files, 'huge-video.mov')
    writeFileSync(huge, '')
    truncateSync(huge, MAX_ATTACHMENT_BYTES + 1)
    await attach(alice, huge)
    await alice.getByRole('alert').filter({ hasText: '“huge-video.mov” is larger than 40 MB' }).waitFor()
    expect(await alice.getByRole('button', { name: 'Remove huge-video.mov' }).count()).toBe(0)

    const many = Array.from({ length: 16 }, (_, i) => ({ name: `page-${i + 1}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`page ${i + 1}`) }))
    await attach(alice, many)
    await alice.getByRole('alert').filter({ hasText: 'at most 15 files: 1 file was not added' }).waitFor()
    expect(await alice.getByRole('list', { name: 'Attached files' }).getByRole('listitem').count()).toBe(15)
    for (let i = 1; i <= 15; i++) await alice.getByRole('button', { name: `Remove page-${i}.txt` }).click()
    await alice.getByRole('list', { name: 'Attached files' }).waitFor({ state: 'detached' })
  })

  it('a file dropped onto the composer, and an image pasted into it, are attached', async () => {
    await open(alice, /Fiona Files/)
    const textbox = alice.getByRole('textbox', { name: 'Reply message' })
    // What the browser dispatches for a drop from the desktop and for a paste of a screenshot.
    await textbox.evaluate((el) => {
      const dropped = new DataTransfer()
      dropped.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }))
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dropped, bubbles: true, cancelable: true }))
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }))
    })
    await textbox.evaluate((el, bytes) => {
      const pasted = new DataTransfer()
      pasted.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }))
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, cancelable: true }))
    }, [...PNG])
    const chips = alice.getByRole('list', { name: 'Attached files' })
    await chips.getByText('dropped.txt').waitFor()
    await chips.getByText('image.png').waitFor()
    for (const name of ['dropped.txt', 'image.png']) await alice.getByRole('button', { name: `Remove ${name}` }).click()
    await chips.waitFor({ state: 'detached' })
  })

  it('offline: the file waits on the device with the reply, and uploads once when the server is back', async () => {
    // A picture Bob sends to Gary, which Alice's device has in its log but never displayed.
    await open(bob, /Gary Gallery/)
    await attach(bob, { name: 'part-photo.png', mimeType: 'image/png', buffer: PNG })
    await bob.getByRole('button', { name: 'Send' }).click()
    await log(bob).getByRole('img', { name: 'part-photo.png' }).waitFor()
    await expect.poll(async () => (await log(bob).getByRole('img', { name: 'part-photo.png' }).getAttribute('src')) ?? '').toMatch(/^\/api\//)

    let uploads = 0
    alice.on('response', (response) => {
      if (response.request().method() === 'POST' && new URL(response.url()).pathname === '/api/attachments') uploads++
    })
    await open(alice, /Fiona Files/)
    await server.stop()
    await sync(alice).getByText(/Offline/).waitFor({ timeout: 15_000 })

    await attach(alice, { name: 'offline-receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('Paid while offline') })
    await alice.getByRole('button', { name: 'Send' }).click()
    const queued = log(alice).locator('article').filter({ hasText: 'Waiting to send' })
    await queued.waitFor()
    // Shown from the device: the link is the Blob's object URL.
    expect(await queued.getByRole('link', { name: 'offline-receipt.txt' }).getAttribute('href')).toMatch(/^blob:/)

    // A preview seen before still shows from the browser's cache; one never loaded says why it is missing.
    const seen = log(alice).getByRole('img', { name: 'plan.png' })
    await expect.poll(() => loaded(seen), { timeout: 10_000 }).toBe(3)
    await open(alice, /Gary Gallery/)
    await log(alice).getByText('Preview not available offline').waitFor({ timeout: 15_000 })
    await log(alice).getByText('part-photo.png').waitFor()
    await open(alice, /Fiona Files/)

    const { apiToken } = server
    server = { ...(await startServerProcess({ dataDir: server.dataDir, env: { PORT: String(port) } })), apiToken }
    for (const page of [alice, bob]) await page.evaluate(() => window.dispatchEvent(new Event('online')))
    await sync(alice).getByText('Online').waitFor({ timeout: 30_000 })

    await open(bob, /Fiona Files/)
    const link = log(bob).getByRole('link', { name: 'offline-receipt.txt' })
    await link.waitFor({ timeout: 30_000 })
    expect(await bob.evaluate(async (url) => (await fetch(url!)).text(), await link.getAttribute('href'))).toBe('Paid while offline')
    await log(alice).getByText('Waiting to send').waitFor({ state: 'detached', timeout: 30_000 })
    expect(uploads).toBe(1)
    expect(await log(bob).getByRole('link', { name: 'offline-receipt.txt' }).count()).toBe(1)

    // Back online, the preview that could not load offline loads by itself.
    await open(alice, /Gary Gallery/)
    const photo = log(alice).getByRole('img', { name: 'part-photo.png' })
    await photo.waitFor({ timeout: 15_000 })
    await expect.poll(() => loaded(photo), { timeout: 10_000 }).toBe(3)
  })
})
