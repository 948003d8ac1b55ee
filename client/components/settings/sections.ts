import type { Component } from 'vue'
import AccountSettings from './AccountSettings.vue'
import CannedResponsesSettings from './CannedResponsesSettings.vue'
import ChannelsSettings from './ChannelsSettings.vue'
import WebhooksSettings from './WebhooksSettings.vue'

export interface SettingsSection {
  id: string
  title: string
  component: Component
}

/** The sections of Settings, in the order they are listed. Each feature adds its own here. */
export const settingsSections: SettingsSection[] = [
  { id: 'account', title: 'Account', component: AccountSettings },
  { id: 'channels', title: 'Channels', component: ChannelsSettings },
  { id: 'canned-responses', title: 'Canned responses', component: CannedResponsesSettings },
  { id: 'webhooks', title: 'Webhooks', component: WebhooksSettings },
]
