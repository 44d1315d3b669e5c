"""Assistant: conversations and answers over the indexed plans."""
