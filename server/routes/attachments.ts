import { Readable } from 'node:stream'
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { Attachment } from '../../shared/schemas/entities.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import type { Download } from '../services/attachments.ts'
import { IdParam, errors, json } from './schemas.ts'

const upload = createRoute({
  method: 'post',
  path: '/api/attachments',
  ...access('agent'),
  tags: ['attachments'],
  summary: 'Upload a file to attach to a reply or note (the raw bytes as the body)',
  description:
    'Content-Type is the file type; the file name goes in the X-File-Name header (URI-encoded). At most 40 MB. ' +
    'The answer names the attachment to pass in attachmentIds when posting the message.',
  request: { headers: z.object({ 'x-file-name': z.string().min(1).max(1000) }) },
  responses: { 201: json(z.object({ attachment: Attachment }), 'Stored'), ...errors, 413: errors[400] },
})

const download = createRoute({
  method: 'get',
  path: '/api/attachments/{id}',
  ...access('agent'),
  tags: ['attachments'],
  summary: 'Download an attachment of your account',
  request: { params: IdParam },
  responses: { 200: { description: 'The file' }, ...errors },
})

/** Streams a stored file with headers that keep it from running in the app's origin. */
export function sendDownload(file: Download): Response {
  return new Response(Readable.toWeb(file.stream()) as ReadableStream, {
    headers: {
      'content-type': file.contentType,
      'content-length': String(file.attachment.size),
      'content-disposition': file.disposition,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
      'cache-control': 'private, max-age=31536000, immutable',
    },
  })
}

export function attachmentRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openAPIRegistry.registerPath(upload)
  app.post('/api/attachments', async (c) => {
    const agent = c.get('agent')
    let name: string
    try {
      name = decodeURIComponent(c.req.header('x-file-name') ?? '')
    } catch {
      name = ''
    }
    if (!name) return c.json({ error: 'invalid request: x-file-name', fields: [{ path: 'x-file-name', message: 'the file name is required' }] }, 400)
    const data = Buffer.from(await c.req.arrayBuffer())
    const attachment = await ctx.attachments.save(agent.accountId, agent.id, {
      name,
      contentType: c.req.header('content-type')?.split(';')[0]?.trim() ?? 'application/octet-stream',
      data,
    })
    return c.json({ attachment }, 201)
  })

  app.openAPIRegistry.registerPath(download)
  app.get('/api/attachments/:id', async (c) => {
    const id = IdParam.safeParse({ id: c.req.param('id') })
    if (!id.success) return c.json({ error: 'not found' }, 404)
    return sendDownload(await ctx.attachments.openForAgent(c.get('agent').accountId, id.data.id))
  })
}
