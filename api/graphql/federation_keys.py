"""`Person.federationKey`: a stable, opaque entity key for every role, unforgeable without the server key.

A Person's natural key is its ID number, which a tax system holds. Roles that may not see whole ID
numbers (AUDITOR) see it masked, and a masked number is no key: thirty-odd persons share each mask,
and a gateway passing it on would join the wrong person or none. Such roles need a key that names
the person exactly and reveals nothing; every role gets the same one, so it can be stored and sent
back.

The key is the person's row id followed by an HMAC over the row id and the ID number, under a key
derived from the server's signing key, in base32 (24 characters). Resolving it reads the row by id
through the caller's scope and checks the MAC against the row: a key cannot be made for a guessed
ID number without the server key, so resolving one confirms nothing a caller could not already
read. It is stable while the server key and the person's ID number stay as they are: rotating
`YIBAO_JWT_KEY` (or correcting an ID number) changes it, as docs/federation.md says.
"""

import base64
import binascii
import hashlib
import hmac

_DOMAIN = b"yibao federation entity key v1"  # the signing key is not used raw for a second purpose
_MAC_BYTES = 11  # 88 bits: with the 4-byte row id, 15 bytes, 24 base32 characters
_ID_BYTES = 4  # row ids are 32-bit (core/ids.py)


def _mac_key(server_key: str) -> bytes:
    return hmac.new(server_key.encode(), _DOMAIN, hashlib.sha256).digest()


def _mac(server_key: str, row_id: int, id_number: str | None) -> bytes:
    message = f"{row_id}:{id_number or ''}".encode()
    return hmac.new(_mac_key(server_key), message, hashlib.sha256).digest()[:_MAC_BYTES]


def person_key(server_key: str, row_id: int, id_number: str | None) -> str:
    raw = row_id.to_bytes(_ID_BYTES, "big") + _mac(server_key, row_id, id_number)
    return base64.b32encode(raw).decode().lower()


def row_id_of(key: object) -> int | None:
    """The row id a key names, if it has a key's shape (its MAC is checked against the row)."""
    if not isinstance(key, str) or len(key) != 24:
        return None
    try:
        raw = base64.b32decode(key.upper())
    except (binascii.Error, ValueError):
        return None
    return int.from_bytes(raw[:_ID_BYTES], "big") or None


def matches(server_key: str, key: str, row_id: int, id_number: str | None) -> bool:
    return hmac.compare_digest(person_key(server_key, row_id, id_number), key.lower())
