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
  // Team administration (issue 9): deactivated agents, archived inboxes, API tokens' last use,
  // invitations, and the first-run setup code (only its hash; one row at most).
  `
  ALTER TABLE agents ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE inboxes ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN last_used_at INTEGER;
  CREATE INDEX sessions_agent ON sessions(agent_id);
  CREATE INDEX sessions_expiry ON sessions(expires_at);
  CREATE INDEX conversations_assignee ON conversations(assignee_id) WHERE assignee_id IS NOT NULL;
  CREATE INDEX conversations_team ON conversations(team_id) WHERE team_id IS NOT NULL;
  CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    email TEXT NOT NULL COLLATE NOCASE,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    accepted_at INTEGER,
    revoked_at INTEGER
  );
  CREATE INDEX invitations_account ON invitations(account_id, created_at);
  CREATE TABLE setup_code (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    code_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
  // Website visitors: one row per widget session (its id is in the signed token, so an agent can
  // revoke one); the contact comes with the first message. An email typed into the widget proves
  // nothing: it moves to contacts.unverified_email, out of reach of the email channel's matching.
  // Contacts that have a Website conversation were all made by the widget: each gets a visitor row
  // under its own id (tokens issued before name the contact id there, so they keep working), and its
  // feed entry is written again under a new seq so devices learn the email is unverified.
  `
  ALTER TABLE contacts ADD COLUMN unverified_email TEXT;
  CREATE TABLE visitors (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    inbox_id TEXT NOT NULL REFERENCES inboxes(id),
    contact_id TEXT REFERENCES contacts(id),
    name TEXT NOT NULL,
    email TEXT,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX visitors_contact ON visitors(contact_id);
  INSERT INTO visitors (id, account_id, inbox_id, contact_id, name, email, created_at, revoked_at)
    SELECT ct.id, ct.account_id, min(cv.inbox_id), ct.id, ct.name, ct.email, ct.created_at, NULL
    FROM contacts ct JOIN conversations cv ON cv.contact_id = ct.id JOIN inboxes i ON i.id = cv.inbox_id
    WHERE i.channel_type = 'live_chat' GROUP BY ct.id;
  UPDATE contacts SET unverified_email = email, email = NULL
    WHERE email IS NOT NULL AND id IN (SELECT contact_id FROM visitors);
  CREATE TEMP TABLE moved_contact_entries AS
    SELECT f.account_id, f.seq AS old_seq, a.last_seq + row_number() OVER (PARTITION BY f.account_id ORDER BY f.seq) AS new_seq,
      c.unverified_email
    FROM feed f JOIN accounts a ON a.id = f.account_id JOIN contacts c ON c.id = f.entity_id
    WHERE f.kind = 'contact' AND c.unverified_email IS NOT NULL;
  UPDATE feed SET
    entry = (SELECT json_set(feed.entry, '$.seq', m.new_seq, '$.contact.email', NULL, '$.contact.unverifiedEmail', m.unverified_email)
      FROM moved_contact_entries m WHERE m.account_id = feed.account_id AND m.old_seq = feed.seq),
    seq = (SELECT m.new_seq FROM moved_contact_entries m WHERE m.account_id = feed.account_id AND m.old_seq = feed.seq)
    WHERE kind = 'contact' AND EXISTS (SELECT 1 FROM moved_contact_entries m WHERE m.account_id = feed.account_id AND m.old_seq = feed.seq);
  UPDATE accounts SET last_seq = last_seq + (SELECT count(*) FROM moved_contact_entries m WHERE m.account_id = accounts.id);
  DROP TABLE moved_contact_entries;
  `,
  // Jobs: each kind is claimed on its own (independent worker slots); a webhook event's deliveries are
  // made once per webhook however often its fan-out job runs (event_id, webhook_id).
  `
  CREATE INDEX jobs_kind_due ON jobs(kind, status, run_at);
  ALTER TABLE webhook_deliveries ADD COLUMN event_id TEXT;
  CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries(event_id, webhook_id);
  `,
  // Jobs of one group (a webhook's deliveries) share a cap within their kind's slots.
  `
  ALTER TABLE jobs ADD COLUMN group_key TEXT;
  `,
  // Email: a mail is known by account, sender and Message-ID together (anyone can write any
  // Message-ID: a spoofed first copy must not make the real mail a "duplicate"); existing rows take
  // the conversation's customer (inbound) or the inbox's address (outbound) as sender. Messages say
  // whether an incoming mail's sender could be verified (NULL: not a mail).
  `
  CREATE TABLE email_messages_by_sender (
    account_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    rfc_message_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    message_id TEXT,
    direction TEXT NOT NULL,
    subject TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, sender, rfc_message_id)
  );
  INSERT INTO email_messages_by_sender (account_id, sender, rfc_message_id, conversation_id, message_id, direction, subject, created_at)
    SELECT e.account_id,
      COALESCE(CASE WHEN e.direction = 'inbound'
        THEN (SELECT lower(ct.email) FROM conversations cv JOIN contacts ct ON ct.id = cv.contact_id WHERE cv.id = e.conversation_id)
        ELSE (SELECT lower(json_extract(i.settings, '$.emailAddress')) FROM conversations cv JOIN inboxes i ON i.id = cv.inbox_id WHERE cv.id = e.conversation_id)
      END, ''),
      e.rfc_message_id, e.conversation_id, e.message_id, e.direction, e.subject, e.created_at
    FROM email_messages e ORDER BY e.rowid;
  DROP TABLE email_messages;
  ALTER TABLE email_messages_by_sender RENAME TO email_messages;
  CREATE INDEX email_messages_conversation ON email_messages(conversation_id);
  CREATE INDEX email_messages_thread ON email_messages(account_id, rfc_message_id);
  ALTER TABLE messages ADD COLUMN sender_verified INTEGER;
  `,
  // Per-agent entries (shared/feed-audience.ts): read and pushed to one agent only.
  `
  ALTER TABLE feed ADD COLUMN audience TEXT;
  `,
  // Each agent's read position per conversation (issue 12); the feed carries it to the agent's devices.
  `
  CREATE TABLE read_marks (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    agent_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    seen_seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
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
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, key)
  );
  `,
  // Named leases (issue 11): work that one process of several runs at a time (server/store/leases.ts).
  `
  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until INTEGER NOT NULL
  );
  `,
  // Web Push (issue 12): the deployment's VAPID key pair (one row), and each agent's browser subscriptions.
  `
  CREATE TABLE vapid_keys (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    public_key TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE push_subscriptions (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    agent_id TEXT NOT NULL,
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    created_at INTEGER NOT NULL
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
    conversation_number INTEGER NOT NULL,
    actor_id TEXT,
    message_id TEXT,
    created_at INTEGER NOT NULL,
    read_at INTEGER,
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
