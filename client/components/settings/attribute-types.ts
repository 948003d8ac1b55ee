import type { AttributeType } from '../../../shared/schemas/attributes.ts'

/** How each attribute type is named to administrators, in the order they are offered. */
export const attributeTypeNames: Record<AttributeType, string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  link: 'Link',
  checkbox: 'Checkbox',
}
