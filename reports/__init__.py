"""What the answers mean: scoring, anonymity and the documents built on them (no Flask, no DB)."""
