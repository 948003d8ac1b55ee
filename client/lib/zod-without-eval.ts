import { z } from 'zod'

// zod compiles object parsers with `new Function` unless told not to, and probes for it when each
// object schema is built. The app's Content-Security-Policy allows no eval: the probe would fail
// (harmlessly) and report a violation. Imported first in main.ts, before any schema module.
z.config({ jitless: true })
