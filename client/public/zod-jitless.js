// zod compiles object parsers with `new Function` unless told not to, and probes for it when an object
// schema is built. The app's Content-Security-Policy allows no eval, so the probe would be reported as
// a violation. zod keeps its settings on globalThis.__zod_globalConfig; this classic script runs before
// any module (and so before any chunk that builds schemas, whatever order the bundler gives them).
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true })
