"""Server-rendered pages for people (the API is under ``dp_platform.api``)."""
