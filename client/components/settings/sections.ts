import type { Component } from 'vue'
import AgentsSettings from './AgentsSettings.vue'
import AttributesSettings from './AttributesSettings.vue'
import CannedResponsesSettings from './CannedResponsesSettings.vue'
import InboxesSettings from './InboxesSettings.vue'
import ProfileSettings from './ProfileSettings.vue'
import TeamsSettings from './TeamsSettings.vue'
import WebhooksSettings from './WebhooksSettings.vue'

export interface SettingsSection {
  id: string
  title: string
  component: Component
  /** Only administrators see it (the server refuses the others anyway). */
  admin: boolean
  /** Former ids that old links still use. */
  aliases?: string[]
}

/** The sections of Settings, in the order they are listed. Each feature adds its own here. */
export const settingsSections: SettingsSection[] = [
  { id: 'profile', title: 'Profile', component: ProfileSettings, admin: false, aliases: ['account'] },
  { id: 'canned-responses', title: 'Canned responses', component: CannedResponsesSettings, admin: false },
  // The channel settings (embed snippet, email address) live with their inbox.
  { id: 'inboxes', title: 'Inboxes', component: InboxesSettings, admin: true, aliases: ['channels'] },
  { id: 'agents', title: 'Agents', component: AgentsSettings, admin: true },
  { id: 'teams', title: 'Teams', component: TeamsSettings, admin: true },
  { id: 'attributes', title: 'Attributes', component: AttributesSettings, admin: true },
  { id: 'webhooks', title: 'Webhooks', component: WebhooksSettings, admin: true },
]

/** The sections a person with this role sees. */
export const sectionsFor = (isAdmin: boolean): SettingsSection[] => settingsSections.filter((s) => isAdmin || !s.admin)

/** The section an id (or an old alias) names among those allowed; otherwise the first allowed one. */
export const findSection = (allowed: SettingsSection[], id: unknown): SettingsSection =>
  allowed.find((s) => s.id === id || (typeof id === 'string' && s.aliases?.includes(id))) ?? allowed[0]!
