/** The agent signed in last on this browser: whose database and last view a start opens
 *  (client/public/first-paint.js reads the same key). Removed on sign-out and when a session ends. */
export const LAST_AGENT_KEY = 'inbox.lastAgentId'
