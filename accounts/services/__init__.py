"""Writes for people, organizations, memberships, invitations and API keys, one module per
aggregate: `organizations`, `users` (sign-up, verification, sessions), `memberships`,
`invitations`, `api_keys`, and `common` helpers.

Role rules live here: member reads; admin manages bots, documents and members (never owners);
owner does everything. An organization always keeps at least one owner.
"""
