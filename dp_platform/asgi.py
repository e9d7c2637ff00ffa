"""ASGI entry point for a process manager: ``uvicorn dp_platform.asgi:app`` (migrate first)."""

from dp_platform.app import create_app

app = create_app()
