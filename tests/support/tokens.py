"""Signed tokens for tests, made with a fixed test key the test apps are built with."""

from yibao.core.auth import Principal, Role, issue

TEST_KEY = "yibao-test-signing-key-not-for-production"


def bearer(role: Role | str, region: str, name: str | None = None, department: str | None = None) -> dict:
    role = Role(role)
    principal = Principal(name or f"{role.lower()}@{region}", role, region, department)
    return {"Authorization": f"Bearer {issue(TEST_KEY, principal)}"}
