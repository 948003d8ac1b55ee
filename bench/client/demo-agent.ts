// The demo workspace's agent the device measurements sign in as (server/demo/seed.ts).
export const DEMO_EMAIL = 'alice@example.com'
export const DEMO_PASSWORD = 'demo-password'
