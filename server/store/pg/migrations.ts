// PostgreSQL schema, versioned like the SQLite one (append only: version = index + 1). Columns keep
// SQLite's names and shapes (times as BIGINT ms, flags as INTEGER 0/1, JSON as TEXT) so both stores
// share the row mappers in ../rows.ts. Emails compare case-insensitively through lower() indexes,
// where SQLite uses COLLATE NOCASE.

export const pgMigrations: string[] = [
  `
  CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    -- The feed counter row (DESIGN §6): taken with UPDATE … RETURNING inside the committing
    -- transaction, so seqs are handed out in commit order per account and a reader never skips one.
    last_seq BIGINT NOT NULL DEFAULT 0,
    last_conversation_number BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
  );
  CREATE UNIQUE INDEX agents_email ON agents (lower(email));
  CREATE INDEX agents_account ON agents (account_id);
  CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL
  );
  CREATE TABLE team_members (
    team_id TEXT NOT NULL REFERENCES teams(id),
    agent_id TEXT NOT NULL REFERENCES agents(id),
    PRIMARY KEY (team_id, agent_id)
  );
  CREATE TABLE inboxes (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    channel_type TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',
    archived INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents(id),
    kind TEXT NOT NULL,
    label TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_used_at BIGINT
  );
  CREATE INDEX sessions_agent ON sessions (agent_id);
  CREATE INDEX sessions_expiry ON sessions (expires_at);
  CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    email TEXT,
    attributes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    unverified_email TEXT
  );
  CREATE INDEX contacts_email ON contacts (account_id, lower(email));
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    number BIGINT NOT NULL,
    inbox_id TEXT NOT NULL REFERENCES inboxes(id),
    contact_id TEXT NOT NULL REFERENCES contacts(id),
    created_at BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL,
    last_message TEXT,
    last_message_seq BIGINT NOT NULL DEFAULT 0,
    last_customer_message_seq BIGINT NOT NULL DEFAULT 0,
    last_visible_seq BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    snoozed_until BIGINT,
    status_seen_seq BIGINT NOT NULL,
    status_by TEXT,
    status_at BIGINT,
    assignee_id TEXT,
    team_id TEXT,
    priority TEXT NOT NULL,
    labels TEXT NOT NULL,
    doc_state BYTEA,
    UNIQUE (account_id, number)
  );
  CREATE INDEX conversations_contact ON conversations (contact_id, created_at);
  CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE status = 'snoozed';
  CREATE INDEX conversations_assignee ON conversations (assignee_id) WHERE assignee_id IS NOT NULL;
  CREATE INDEX conversations_team ON conversations (team_id) WHERE team_id IS NOT NULL;
  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    author_agent_id TEXT,
    created_at BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    attachments TEXT NOT NULL DEFAULT '[]',
    sender_verified INTEGER
  );
  CREATE INDEX messages_conversation ON messages (conversation_id, seq);
  CREATE TABLE feed (
    account_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    entry TEXT NOT NULL,
    audience TEXT,
    PRIMARY KEY (account_id, seq)
  );
  CREATE INDEX feed_entity ON feed (account_id, kind, entity_id);
  -- Each doc's updates are numbered 1, 2, 3… by a counter row taken in the appending transaction, so
  -- a process that missed relayed updates reads exactly those after the last number it applied.
  CREATE TABLE doc_heads (
    doc TEXT PRIMARY KEY,
    last_n BIGINT NOT NULL
  );
  CREATE TABLE doc_updates (
    doc TEXT NOT NULL,
    n BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (doc, n)
  );
  CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_by TEXT,
    created_at BIGINT NOT NULL,
    message_id TEXT
  );
  CREATE INDEX attachments_message ON attachments (message_id);
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    account_id TEXT,
    dedupe_key TEXT UNIQUE,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    run_at BIGINT NOT NULL,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    group_key TEXT
  );
  CREATE INDEX jobs_due ON jobs (status, run_at);
  CREATE INDEX jobs_kind_due ON jobs (kind, status, run_at);
  CREATE TABLE canned_responses (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    short_code TEXT NOT NULL,
    content TEXT NOT NULL,
    created_by TEXT,
    updated_at BIGINT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
  );
  CREATE UNIQUE INDEX canned_responses_code ON canned_responses (account_id, short_code) WHERE deleted = 0;
  CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    response_status INTEGER,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT,
    event_id TEXT
  );
  CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at);
  CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries (event_id, webhook_id);
  CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_at BIGINT,
    revoked_at BIGINT
  );
  CREATE INDEX invitations_account ON invitations (account_id, created_at);
  CREATE TABLE setup_code (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE visitors (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    inbox_id TEXT NOT NULL REFERENCES inboxes(id),
    contact_id TEXT REFERENCES contacts(id),
    name TEXT NOT NULL,
    email TEXT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
  );
  CREATE INDEX visitors_contact ON visitors (contact_id);
  CREATE TABLE email_messages (
    account_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    rfc_message_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    message_id TEXT,
    direction TEXT NOT NULL,
    subject TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, sender, rfc_message_id)
  );
  CREATE INDEX email_messages_conversation ON email_messages (conversation_id);
  CREATE INDEX email_messages_thread ON email_messages (account_id, rfc_message_id);
  `,
  // Each agent's read position per conversation (issue 12); the feed carries it to the agent's devices.
  `
  CREATE TABLE read_marks (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    agent_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    seen_seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (agent_id, conversation_id)
  );
  `,
  // Contact custom attributes defined by administrators (issue 12); values stay in contacts.attributes.
  `
  CREATE TABLE attribute_definitions (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    type TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, key)
  );
  `,
  // Insertion order where SQLite breaks ties by rowid: a conversation's first subject among mails of
  // one millisecond, a webhook's deliveries newest first. Existing rows are numbered as they are read.
  `
  ALTER TABLE email_messages ADD COLUMN ord BIGINT GENERATED ALWAYS AS IDENTITY;
  ALTER TABLE webhook_deliveries ADD COLUMN ord BIGINT GENERATED ALWAYS AS IDENTITY;
  `,
  // Named leases (issue 11): work that one process of several runs at a time (server/store/leases.ts).
  `
  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until BIGINT NOT NULL
  );
  `,
  // Web Push (issue 12): the deployment's VAPID key pair (one row), and each agent's browser subscriptions.
  `
  CREATE TABLE vapid_keys (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    public_key TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE push_subscriptions (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    agent_id TEXT NOT NULL,
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX push_subscriptions_agent ON push_subscriptions (agent_id);
  `,
  // Mentions and notifications (issue 12): a note's mentioned agents (JSON array of ids, NULL for
  // none), and each agent's notifications, one per (agent, cause) so a retried cause never adds another.
  `
  ALTER TABLE messages ADD COLUMN mentions TEXT;
  CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    agent_id TEXT NOT NULL,
    cause TEXT NOT NULL,
    type TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    conversation_number BIGINT NOT NULL,
    actor_id TEXT,
    message_id TEXT,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    UNIQUE (agent_id, cause)
  );
  CREATE INDEX notifications_agent_unread ON notifications (agent_id, read_at);
  `,
  // One setup code per service (issue 11): the code itself, so that every process started before the
  // workspace exists prints the one the first process made. NULL on a row from before this column
  // (only its hash is known): that code is replaced at the next start.
  `
  ALTER TABLE setup_code ADD COLUMN code TEXT;
  `,
]
