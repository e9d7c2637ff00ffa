"""A browser's session through the test client: the session cookie after signing in, and the CSRF
token every page form must carry. The shared client's cookies are cleared after each test (conftest)."""

from __future__ import annotations

from typing import Any

from tests.world import World, email_of, set_password

PASSWORD = "pw-for-the-pages"


class Pages:
    def __init__(self, client: Any, world: World, db: Any) -> None:
        self.client, self.world, self.db = client, world, db

    @property
    def csrf(self) -> str:
        return self.client.cookies.get("dp_csrf") or ""

    async def sign_in(self, user: str) -> Any:
        await set_password(self.db, self.world.users[user], PASSWORD)
        self.client.cookies.clear()
        await self.client.get("/login")
        email = await email_of(self.db, self.world.users[user])
        response = await self.client.post(
            "/login",
            data={"email": email, "password": PASSWORD, "_csrf_token": self.csrf, "next": "/home"},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return response

    async def get(self, path: str, **kwargs: Any) -> Any:
        kwargs.setdefault("follow_redirects", False)
        return await self.client.get(path, **kwargs)

    async def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """A form post as the page sends it, with the CSRF token (unless the test gives its own)."""
        kwargs.setdefault("follow_redirects", False)
        return await self.client.post(path, data={"_csrf_token": self.csrf, **(data or {})}, **kwargs)

    def account(self, key: str = "a1") -> str:
        return f"/accounts/{self.world.accounts[key]}"
