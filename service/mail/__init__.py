"""Email: messages composed from templates, delivered by SMTP or into an outbox folder."""
