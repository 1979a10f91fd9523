"""A person's rights over their data: a copy of it (export), its erasure, and how long raw
answers are kept (retention)."""
