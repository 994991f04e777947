"""derive audit: check a written derivation step by step."""
