import { z } from 'zod'
import { ErrorBody } from '../../shared/schemas/api.ts'

// Small helpers so that each route's OpenAPI declaration reads like the contract it is.
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
})

export const errors = {
  400: json(ErrorBody, 'The request is invalid; `fields` names what is wrong'),
  401: json(ErrorBody, 'Not signed in'),
  404: json(ErrorBody, 'Not found, or not in your account'),
} as const

export const IdParam = z.object({ id: z.uuid() })

export const bearerSecurity = [{ bearer: [] }, { cookie: [] }]
