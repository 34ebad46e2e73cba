"""Conversation history in SQLite, and exports (ipynb, md, py, CodeFeedback jsonl)."""
