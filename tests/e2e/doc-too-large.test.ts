import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Browser, Page } from 'playwright-core'
import { decodeBytes } from '../../shared/base64.ts'
import { noteText } from '../../shared/conversation-doc.ts'
import type { DocsSyncResult } from '../../shared/schemas/api.ts'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

// Hardening issue, item 12: the server refuses a change that would take a conversation's doc over
// its 1 MiB cap (the room closes with 4413). The agent sees why in the conversation, instead of an
// edit that silently never arrives and a socket that reconnects in a loop.
describe('a conversation whose shared state would grow too large', () => {
  let server: ServerProcess
  let browser: Browser
  let alice: Page

  beforeAll(async () => {
    server = await startServerProcess()
    browser = await launchBrowser()
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  /** The server's copy of the note, through the bulk endpoint with a fresh API token. */
  async function serverNote(conversationId: string): Promise<string> {
    const auth = await fetch(`${server.url}/api/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: 'demo-password', label: 'e2e' }),
    })
    const { token } = (await auth.json()) as { token: string }
    const res = await fetch(`${server.url}/api/docs/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ docs: [{ id: conversationId }] }),
    })
    const doc = new Y.Doc()
    Y.applyUpdate(doc, decodeBytes(((await res.json()) as DocsSyncResult).docs[0]!.update))
    return noteText(doc).toString()
  }

  it('a huge note is refused, the conversation says so, and the server keeps the earlier note', async () => {
    const { conversationId } = await customerWrites(server, { email: 'huge.note@example.net', name: 'Hugo Note' }, 'Hello')
    await alice.getByRole('tab', { name: 'Open' }).click()
    await alice.getByRole('link', { name: /Hugo Note/ }).first().click()
    await alice.getByRole('tab', { name: 'Note' }).click()
    const note = alice.getByRole('textbox', { name: 'Internal note' })
    await note.fill('Short and fine.')
    await expect.poll(() => serverNote(conversationId), { timeout: 10_000 }).toBe('Short and fine.')

    await note.fill(`Short and fine.${'x'.repeat(1_100_000)}`)
    await alice.getByText("This conversation's shared state is too large; your last change was not saved.").waitFor({ timeout: 30_000 })
    expect(await serverNote(conversationId)).toBe('Short and fine.')
  })
})
