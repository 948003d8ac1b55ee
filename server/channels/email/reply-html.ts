import { Marked } from 'marked'

// The HTML part of a reply: the agent's markdown rendered as the app shows it, but with nothing in it a
// mail program could run or fetch. Raw HTML in the markdown is shown as text, links keep only web and
// mail targets, images become their description (no remote loads that tell who opened the mail).

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

const markdown = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ text }) => escapeHtml(text),
    link({ href, tokens }) {
      const inner = this.parser.parseInline(tokens)
      return /^(https?:\/\/|mailto:)/i.test(href) ? `<a href="${escapeHtml(href)}">${inner}</a>` : inner
    },
  },
})

export function replyHtml(body: string): string {
  const content = markdown.parse(body, { async: false })
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${content}</body></html>`
}
