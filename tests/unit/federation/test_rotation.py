"""Following a peer's key rotations: only announcements signed by both keys count, and
trust spreads both ways from the pinned key."""

from __future__ import annotations

from relos.federation import rotation
from relos.tlog import dsse
from relos.tlog.keys import Signer
from relos.tlog.verify import ROTATION

NAME = "relos.example/IN"


def _rotation(old: Signer, new: Signer, signers: list[Signer]) -> bytes:
    body = {"type": ROTATION, "v": 1, "at": "2027-01-01T00:00:00Z"}
    body |= {"old": old.verifier.vkey, "new": new.verifier.vkey}
    return dsse.seal(dsse.canonical(body), dsse.payload_type(ROTATION), signers)


def _fact(signer: Signer) -> bytes:
    return dsse.seal(b'{"type":"x"}', dsse.payload_type("federation.fact"), [signer])


def test_a_rotation_signed_by_both_keys_hands_over_to_the_new_key() -> None:
    k0, k1, k2 = (Signer.generate(NAME) for _ in range(3))
    leaves = [_fact(k0), _rotation(k0, k1, [k0, k1]), _fact(k1), _rotation(k1, k2, [k1, k2])]
    assert rotation.chain(k0.verifier, leaves) == [k0.verifier, k1.verifier, k2.verifier]


def test_trust_spreads_back_from_the_pinned_key_to_the_one_before() -> None:
    k0, k1, k2 = (Signer.generate(NAME) for _ in range(3))
    leaves = [_fact(k0), _rotation(k0, k1, [k0, k1]), _rotation(k1, k2, [k1, k2])]
    assert rotation.chain(k1.verifier, leaves) == [k0.verifier, k1.verifier, k2.verifier]


def test_a_rotation_not_signed_by_both_keys_admits_nothing() -> None:
    k0, k1 = Signer.generate(NAME), Signer.generate(NAME)
    intruder = Signer.generate(NAME)
    leaves = [
        _rotation(k0, intruder, [intruder]),  # the new key alone
        _rotation(k0, intruder, [k0]),  # the old key alone
        _rotation(k1, intruder, [k1, intruder]),  # a chain that never meets the pinned key
        b"not an envelope",
    ]
    assert rotation.chain(k0.verifier, leaves) == [k0.verifier]
