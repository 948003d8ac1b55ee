import { z } from 'zod'
import { AttributeValue, Contact, Id, Timestamp } from './entities.ts'

// Contact custom attributes (issue 12): administrators define them per account (label, key, type);
// agents fill them in on the Customer panel. The definitions travel in the Directory; the values live
// in the contact's `attributes`, keyed by the definition's key.

export const AttributeType = z.enum(['text', 'number', 'date', 'link', 'checkbox'])
export type AttributeType = z.infer<typeof AttributeType>

export const ATTRIBUTE_KEY_PATTERN = /^[a-z][a-z0-9_]{0,49}$/
export const AttributeKey = z
  .string()
  .regex(ATTRIBUTE_KEY_PATTERN, 'a key is 1-50 lowercase letters, digits or _, starting with a letter')
export const AttributeLabel = z.string().trim().min(1, 'a label is required').max(100)

export const AttributeDefinition = z.object({
  id: Id,
  accountId: Id,
  key: AttributeKey,
  label: z.string(),
  type: AttributeType,
  createdAt: Timestamp,
})
export type AttributeDefinition = z.infer<typeof AttributeDefinition>

/** Without `key`, the key is derived from the label ("Customer since" -> customer_since). */
export const NewAttribute = z.object({ label: AttributeLabel, key: AttributeKey.optional(), type: AttributeType })
export type NewAttribute = z.infer<typeof NewAttribute>

/** Only the label changes: the key names stored values and the type says what they are. */
export const AttributePatch = z.object({ label: AttributeLabel })
export type AttributePatch = z.infer<typeof AttributePatch>

export const AttributeResult = z.object({ attribute: AttributeDefinition })
export type AttributeResult = z.infer<typeof AttributeResult>

export const AttributeList = z.object({ attributes: z.array(AttributeDefinition) })
export type AttributeList = z.infer<typeof AttributeList>

/** Values to set on a contact, per key; null clears one. Keys not named keep their value. */
export const ContactAttributesPatch = z.object({
  set: z
    .record(z.string().max(100), AttributeValue)
    .refine((set) => Object.keys(set).length > 0, 'name at least one attribute')
    .refine((set) => Object.keys(set).length <= 100, 'at most 100 attributes at once'),
})
export type ContactAttributesPatch = z.infer<typeof ContactAttributesPatch>

/** The contact after the change, and the seq of its feed entry (a device keeps its pending edit
 *  over older entries until that one has arrived). */
export const ContactAttributesResult = z.object({ contact: Contact, seq: z.number().int().positive() })
export type ContactAttributesResult = z.infer<typeof ContactAttributesResult>
