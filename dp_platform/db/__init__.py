"""Database access: where the server is, the engine, the schema and its migrations."""
