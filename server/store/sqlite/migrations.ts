// Forward-only schema migrations, applied in order on start. Never edit one that has shipped: add another.
export const migrations: string[] = [
  `
  CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT 0,
    last_conversation_number INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX agents_account ON agents(account_id);
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
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents(id),
    kind TEXT NOT NULL,
    label TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    email TEXT COLLATE NOCASE,
    attributes TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX contacts_email ON contacts(account_id, email);
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    number INTEGER NOT NULL,
    inbox_id TEXT NOT NULL REFERENCES inboxes(id),
    contact_id TEXT NOT NULL REFERENCES contacts(id),
    created_at INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    last_message TEXT,
    last_message_seq INTEGER NOT NULL DEFAULT 0,
    last_customer_message_seq INTEGER NOT NULL DEFAULT 0,
    last_visible_seq INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    snoozed_until INTEGER,
    status_seen_seq INTEGER NOT NULL,
    status_by TEXT,
    status_at INTEGER,
    assignee_id TEXT,
    team_id TEXT,
    priority TEXT NOT NULL,
    labels TEXT NOT NULL,
    doc_state BLOB,
    UNIQUE (account_id, number)
  );
  CREATE INDEX conversations_contact ON conversations(contact_id, created_at);
  CREATE INDEX conversations_snoozed ON conversations(snoozed_until) WHERE status = 'snoozed';
  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    author_agent_id TEXT,
    created_at INTEGER NOT NULL,
    seq INTEGER NOT NULL
  );
  CREATE INDEX messages_conversation ON messages(conversation_id, seq);
  CREATE TABLE feed (
    account_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    entry TEXT NOT NULL,
    PRIMARY KEY (account_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX feed_entity ON feed(account_id, kind, entity_id);
  CREATE TABLE doc_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc TEXT NOT NULL,
    data BLOB NOT NULL
  );
  CREATE INDEX doc_updates_doc ON doc_updates(doc, id);
  `,
  // Channels and the composer's tools (issue 6): attachments, a persistent job queue (mail, webhooks),
  // canned responses, webhooks and their delivery log, email threading, per-inbox settings.
  `
  ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE inboxes ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
  CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by TEXT,
    created_at INTEGER NOT NULL,
    message_id TEXT
  );
  CREATE INDEX attachments_message ON attachments(message_id);
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    account_id TEXT,
    dedupe_key TEXT UNIQUE,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    run_at INTEGER NOT NULL,
    locked_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX jobs_due ON jobs(status, run_at);
  CREATE TABLE canned_responses (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    short_code TEXT NOT NULL,
    content TEXT NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
  );
  CREATE UNIQUE INDEX canned_responses_code ON canned_responses(account_id, short_code) WHERE deleted = 0;
  CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
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
    created_at INTEGER NOT NULL,
    delivered_at INTEGER
  );
  CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, created_at);
  CREATE TABLE email_messages (
    rfc_message_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    message_id TEXT,
    direction TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX email_messages_conversation ON email_messages(conversation_id);
  `,
  // Email: the Subject of each mail, so that replies answer the conversation's first subject.
  `
  ALTER TABLE email_messages ADD COLUMN subject TEXT;
  `,
]
