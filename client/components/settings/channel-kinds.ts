import type { ChannelType } from '../../../shared/schemas/entities.ts'

/** The kinds of inbox, as the settings name and explain them. */
export const channelKinds: { value: ChannelType; label: string; hint: string }[] = [
  { value: 'live_chat', label: 'Website', hint: 'A chat bubble on your website: paste its embed snippet into your pages.' },
  { value: 'email', label: 'Email', hint: 'Mail sent to its address lands here; replies go out by email.' },
  { value: 'api', label: 'API', hint: 'Your own systems post customer messages with its token.' },
]

export const channelLabel = (type: ChannelType): string => channelKinds.find((k) => k.value === type)?.label ?? type
