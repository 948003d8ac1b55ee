import { createMailTransport, type MailTransport } from '../channels/email/transport.ts'
import type { AgentRecord } from '../store/types.ts'

/** Mails invitation links through SMTP_URL (the transport replies use). Without SMTP_URL nothing is
 *  mailed: the administrator copies the link. */
export class InvitationMailer {
  private readonly transport: MailTransport
  private readonly from: string

  constructor(smtpUrl: string, dataDir: string) {
    this.transport = createMailTransport(smtpUrl, dataDir)
    // The relay's user is usually a mailbox it may send as; otherwise a no-reply of its domain.
    const url = new URL(smtpUrl)
    const user = decodeURIComponent(url.username)
    this.from = user.includes('@') ? user : `no-reply@${url.hostname}`
  }

  /** true once the relay accepted it; a failure is logged and the link is still shown to copy. */
  async send(invite: { to: string; url: string; workspaceName: string; invitedBy: AgentRecord }): Promise<boolean> {
    try {
      await this.transport.send({
        from: { name: invite.workspaceName, address: this.from },
        replyTo: { name: invite.invitedBy.name, address: invite.invitedBy.email },
        to: invite.to,
        subject: `${invite.invitedBy.name} invited you to ${invite.workspaceName}`,
        text:
          `${invite.invitedBy.name} invited you to join ${invite.workspaceName}, a shared support inbox.\n\n` +
          `Open this link to choose your name and password (it works once, for 7 days):\n${invite.url}\n`,
      })
      return true
    } catch (error) {
      console.error(`mailing an invitation to ${invite.to} failed`, error)
      return false
    }
  }

  close(): void {
    this.transport.close()
  }
}
