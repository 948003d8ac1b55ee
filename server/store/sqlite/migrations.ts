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
]
