from __future__ import annotations

from relos.access.passwords import hash_password, verify_password
from relos.access.tokens import TOKEN_PREFIX, new_token, token_digest


def test_tokens_are_random_and_stored_as_digests() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    token = tokens.pop()
    assert token.startswith(TOKEN_PREFIX) and len(token) >= 40
    assert token_digest(token) != token and len(token_digest(token)) == 64
    assert token not in token_digest(token)


def test_passwords_are_argon2id_salted_and_verified() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(first, "correct horse")
    assert not verify_password(first, "correct hors")
    assert not verify_password("not a hash", "correct horse")
