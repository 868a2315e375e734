"""The agent's terminal UI: a thin Textual layer over the core (quickreply.library)."""
