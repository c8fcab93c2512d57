"""Keys, envelopes and notes against published vectors and an independent DSSE verifier."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from securesystemslib.dsse import Envelope as SslibEnvelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import SSlibKey

from relos.tlog import dsse, note
from relos.tlog.keys import BadKey, Signer, Verifier
from relos.tlog.merkle import leaf_hash

JCS = Path(__file__).resolve().parents[2] / "data" / "tlog" / "jcs"

# RFC 8032 section 7.1, TEST 1, 2 and 3: (secret key, public key, message, signature).
RFC8032 = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
        "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
]


@pytest.mark.parametrize(("secret", "public", "message", "signature"), RFC8032)
def test_ed25519_matches_rfc_8032(secret: str, public: str, message: str, signature: str) -> None:
    signer = Signer("test", bytes.fromhex(secret))
    assert signer.verifier.public.hex() == public
    assert signer.sign(bytes.fromhex(message)).hex() == signature
    assert signer.verifier.verify(bytes.fromhex(signature), bytes.fromhex(message))
    assert not signer.verifier.verify(bytes.fromhex(signature), b"other")


@pytest.mark.parametrize("name", sorted(p.stem for p in (JCS / "input").glob("*.json")))
def test_canonical_json_matches_the_rfc_8785_reference_data(name: str) -> None:
    value = json.loads((JCS / "input" / f"{name}.json").read_text(encoding="utf-8"))
    assert dsse.canonical(value) == (JCS / "output" / f"{name}.json").read_bytes()


def test_keys_round_trip_through_their_text_forms() -> None:
    signer = Signer("relos.example/IN", bytes(range(32)))
    vkey = signer.verifier.vkey
    name, hex8, encoded = vkey.split("+", 2)
    assert name == "relos.example/IN" and len(hex8) == 8
    assert base64.b64decode(encoded)[0] == 0x01
    assert Verifier.parse(vkey) == signer.verifier
    again = Signer.parse(signer.private_text())
    assert again.verifier == signer.verifier
    with pytest.raises(BadKey):
        Verifier.parse(vkey.replace(hex8, "00000000"))
    with pytest.raises(BadKey):
        Verifier.parse("nonsense")
    with pytest.raises(BadKey):
        Signer("has space", bytes(32))


def test_a_note_key_hash_matches_the_signed_note_example() -> None:
    # c2sp.org/signed-note: the key hash is SHA-256(name || "\n" || 0x01 || key)[:4].
    import hashlib

    signer = Signer("example.com/log", bytes(range(32)))
    expected = hashlib.sha256(b"example.com/log\n\x01" + signer.verifier.public).digest()[:4]
    assert signer.verifier.hash == expected


def test_a_checkpoint_is_signed_and_opened() -> None:
    signer = Signer("relos.example/IN", bytes(range(32)))
    other = Signer("relos.example/IN", bytes(range(1, 33)))
    checkpoint = note.Checkpoint("relos.example/IN/in-ru-relos", 3, leaf_hash(b"x"))
    signed = note.sign_checkpoint(checkpoint, [signer])
    lines = signed.split("\n")
    assert lines[:3] == [checkpoint.origin, "3", base64.b64encode(checkpoint.root).decode()]
    assert lines[3] == "" and lines[4].startswith("\u2014 relos.example/IN ")
    opened, by = note.open_checkpoint(signed, [signer.verifier])
    assert opened == checkpoint and by == signer.verifier
    with pytest.raises(note.BadNote, match="no trusted key"):
        note.open_checkpoint(signed, [other.verifier])
    with pytest.raises(note.BadNote, match="does not verify"):
        note.open_checkpoint(signed.replace("\n3\n", "\n4\n"), [signer.verifier])
    cosigned = note.sign_checkpoint(checkpoint, [other, signer])
    assert note.open_checkpoint(cosigned, [signer.verifier])[0] == checkpoint


@pytest.mark.parametrize(
    "text",
    ["", "no blank line\n", "origin\n3\nAAAA\n\n\u2014 k AAAA\n", "origin\n03\n" + "A" * 44 + "\n"],
)
def test_malformed_checkpoints_are_refused(text: str) -> None:
    signer = Signer("k", bytes(32))
    with pytest.raises(note.BadNote):
        note.open_checkpoint(text, [signer.verifier])


def _sslib_key(verifier: Verifier) -> SSlibKey:
    return SSlibKey(verifier.key_id, "ed25519", "ed25519", {"public": verifier.public.hex()})


def test_our_envelope_is_verified_by_securesystemslib() -> None:
    signer = Signer("relos.example/IN", bytes(range(32)))
    payload = dsse.canonical({"type": "deployment.file", "id": 7, "title": "Визит"})
    kind = dsse.payload_type("deployment.file")
    assert kind == "application/vnd.relos.deployment.file+json"
    sealed = dsse.seal(payload, kind, [signer])
    assert dsse.canonical(json.loads(sealed)) == sealed, "the envelope is canonical JSON"

    theirs = SslibEnvelope.from_dict(json.loads(sealed))
    assert theirs.payload == payload and theirs.payload_type == kind
    accepted = theirs.verify([_sslib_key(signer.verifier)], 1)
    assert list(accepted) == [signer.verifier.key_id]

    ours = dsse.parse(sealed)
    assert dsse.signed_by(ours, [signer.verifier]) == [signer.verifier]


def test_a_changed_payload_fails_both_verifiers() -> None:
    signer = Signer("relos.example/IN", bytes(range(32)))
    sealed = json.loads(dsse.seal(b'{"a":1}', dsse.payload_type("x"), [signer]))
    sealed["payload"] = base64.b64encode(b'{"a":2}').decode()
    with pytest.raises(VerificationError):
        SslibEnvelope.from_dict(json.loads(json.dumps(sealed))).verify(
            [_sslib_key(signer.verifier)], 1
        )
    ours = dsse.parse(json.dumps(sealed).encode())
    assert dsse.signed_by(ours, [signer.verifier]) == []


def test_pae_is_dsse_v1() -> None:
    assert dsse.pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


@pytest.mark.parametrize(
    "name", ["relos.example/IN", "relos.example/\u0928\u094b\u0921", 'quote"back\\slash/x']
)
def test_the_envelope_written_directly_is_rfc_8785(name: str) -> None:
    signer = Signer(name, bytes(range(32)))
    kind = dsse.payload_type("deployment.filed.v1")
    sealed = dsse.seal(b'{"a":"\\u0001\xe2\x80\xa8"}', kind, [signer, signer])
    assert dsse.canonical(json.loads(sealed)) == sealed
