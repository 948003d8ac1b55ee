import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { type Attachment, isCustomerVisible, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE } from '../../shared/schemas/entities.ts'
import type { AttachmentRecord } from '../store/attachments.ts'
import type { Store } from '../store/types.ts'
import type { Clock } from './clock.ts'
import { holdsContent, writeDurably } from './durable-file.ts'
import { InvalidFieldError, NotFoundError } from './errors.ts'

export interface Upload {
  name: string
  contentType: string
  data: Buffer
}

/** Types a browser may show inline; anything else (HTML, SVG, scripts) is served as a download, so a
 *  customer's file can never run in the app's origin. */
const INLINE_TYPES = /^(image\/(png|jpeg|gif|webp|avif)|application\/pdf|text\/plain|audio\/[\w.+-]+|video\/[\w.+-]+)$/

/**
 * Files of messages: stored once per content (DATA_DIR/attachments/<sha256>), recorded per upload,
 * handed out only to who may see the message they belong to. An attachment of an internal note is
 * never reachable by a customer (DESIGN §4 rule 7).
 */
export class AttachmentService {
  private readonly root: string

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    dataDir: string,
  ) {
    this.root = path.join(dataDir, 'attachments')
  }

  async save(accountId: string, uploadedBy: string | null, upload: Upload): Promise<Attachment> {
    if (upload.data.byteLength > MAX_ATTACHMENT_BYTES) throw new InvalidFieldError('file', 'larger than 40 MB')
    const sha256 = createHash('sha256').update(upload.data).digest('hex')
    const file = this.pathOf(sha256)
    // On disk before the 201; an existing copy is checked, not trusted, and replaced when damaged.
    if (!(await holdsContent(file, upload.data.byteLength, sha256))) await writeDurably(file, upload.data, this.clock.id())
    const attachment: Attachment = {
      id: this.clock.id(),
      name: cleanName(upload.name),
      contentType: upload.contentType || 'application/octet-stream',
      size: upload.data.byteLength,
      sha256,
    }
    await this.store.attachments.insert({ ...attachment, accountId, uploadedBy, createdAt: this.clock.now(), messageId: null })
    return attachment
  }

  /** The uploaded, not yet sent attachments a new message names, checked for this account. */
  async forNewMessage(accountId: string, ids: string[]): Promise<Attachment[]> {
    if (ids.length > MAX_ATTACHMENTS_PER_MESSAGE) throw new InvalidFieldError('attachmentIds', `at most ${MAX_ATTACHMENTS_PER_MESSAGE} files`)
    const found: Attachment[] = []
    for (const id of ids) {
      const a = await this.store.attachments.get(id)
      if (!a || a.accountId !== accountId) throw new InvalidFieldError('attachmentIds', `unknown attachment ${id}`)
      if (a.messageId !== null) throw new InvalidFieldError('attachmentIds', `attachment ${id} belongs to another message`)
      found.push({ id: a.id, name: a.name, contentType: a.contentType, size: a.size, sha256: a.sha256 })
    }
    return found
  }

  /** For an agent of the account (uploaded, or attached to any message of theirs). */
  async openForAgent(accountId: string, id: string): Promise<Download> {
    const a = await this.store.attachments.get(id)
    if (!a || a.accountId !== accountId) throw new NotFoundError('attachment not found')
    return this.download(a)
  }

  /** For a customer: only files of customer-visible messages of their own conversation. */
  async openForCustomer(conversationId: string, id: string): Promise<Download> {
    const a = await this.store.attachments.get(id)
    const message = a?.messageId ? await this.store.conversations.getMessage(a.messageId) : null
    if (!a || !message || message.conversationId !== conversationId || !isCustomerVisible(message.kind))
      throw new NotFoundError('attachment not found')
    return this.download(a)
  }

  private download(a: AttachmentRecord): Download {
    const inline = INLINE_TYPES.test(a.contentType)
    return {
      attachment: a,
      contentType: inline ? a.contentType : 'application/octet-stream',
      disposition: `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(a.name)}`,
      stream: () => createReadStream(this.pathOf(a.sha256)),
    }
  }

  private pathOf(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256)
  }
}

export interface Download {
  attachment: AttachmentRecord
  contentType: string
  disposition: string
  stream(): Readable
}

const cleanName = (name: string): string =>
  name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim().slice(0, 255) || 'file'
