"""C2SP tlog-cosignature v1 (Ed25519): known answers from the spec and from transparency-dev.

- The example checkpoint of c2sp.org/tlog-cosignature (C2SP/C2SP, tlog-cosignature.md): its
  witness line carries the timestamp its "time" line shows.
- transparency-dev/formats, note/note_cosigv1_test.go: a native 0x04 cosigner verifier key
  (its key ID is SHA-256(name || 0x0A || 0x04 || key)[:4]) and a cosignature whose timestamp
  is 1727964367.
- The signed message, built here by hand from the spec's words and checked with the
  `cryptography` package directly, for the RFC 8032 TEST 1 key.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from relos.tlog import note
from relos.tlog.cosignature import (
    cosign,
    cosigner_vkey,
    key_id,
    open_cosigned,
    parse_cosigner_vkey,
    timestamp_of,
)
from relos.tlog.keys import BadKey, Signer

SPEC_EXAMPLE = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5"
    "/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJ"
    "sX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)
REMORA = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
FORMATS_SIGNATURE = (
    "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFi"
    "EBYJXORmnFBOBA=="
)
RFC8032_TEST1_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
CHECKPOINT = "relos.example/IN/in-ru-relos\n12\nf+7CoKgXKE/tNys9TTXcr/ad6U/K3xvznmzew9y6SP0=\n"


def test_the_spec_example_line_carries_its_time() -> None:
    parsed = note.parse(SPEC_EXAMPLE)
    witness = parsed.signatures[1]
    assert witness.name == "witness.example.com/w1"
    assert timestamp_of(witness) == 1679315147  # the "time" line of the spec's message


def test_transparency_dev_vectors() -> None:
    verifier = parse_cosigner_vkey(REMORA)
    assert cosigner_vkey(verifier) == REMORA
    assert key_id(verifier.name, verifier.public).hex() == "da77ade7"
    raw = base64.b64decode(FORMATS_SIGNATURE)
    line = note.Signature("any", raw[:4], raw[4:])
    assert timestamp_of(line) == 1727964367
    with pytest.raises(BadKey):
        parse_cosigner_vkey(REMORA.replace("da77ade7", "da77ade8"))
    with pytest.raises(BadKey):  # a 0x01 (plain Ed25519) vkey is not a cosigner key
        parse_cosigner_vkey(Signer.generate("x.example/w").verifier.vkey)


def test_the_signed_message_is_the_spec_s() -> None:
    signer = Signer("witness.example/relos", bytes.fromhex(RFC8032_TEST1_SEED))
    log = Signer.generate("relos.example/IN")
    signed = note.sign(CHECKPOINT, [log])
    cosigned = cosign(signed, signer, 1679315147)
    assert cosigned.startswith(signed)
    line = cosigned[len(signed) :]
    name, encoded = line.removeprefix("\u2014 ").rstrip("\n").rsplit(" ", 1)
    raw = base64.b64decode(encoded)
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    expected_id = hashlib.sha256(name.encode() + b"\n\x04" + public).digest()[:4]
    assert name == "witness.example/relos" and raw[:4] == expected_id and len(raw) == 76
    assert int.from_bytes(raw[4:12], "big") == 1679315147
    message = b"cosignature/v1\ntime 1679315147\n" + CHECKPOINT.encode()
    Ed25519PublicKey.from_public_bytes(public).verify(raw[12:], message)  # raises if not
    # Deterministic Ed25519: the same inputs give the same line, a known answer from here on.
    assert cosign(signed, signer, 1679315147) == cosigned


def test_open_a_cosigned_checkpoint() -> None:
    witness = Signer.generate("relos.example/RU")
    log = Signer.generate("relos.example/IN")
    signed = note.sign(CHECKPOINT + "an extension\n", [log])
    cosigned = cosign(signed, witness, 1700000000)
    checkpoint, stamp = open_cosigned(cosigned, witness.verifier)
    assert stamp == 1700000000 and checkpoint.size == 12
    assert note.open_checkpoint(cosigned, [log.verifier])[0] == checkpoint
    with pytest.raises(note.BadNote, match="no cosignature"):
        open_cosigned(signed, witness.verifier)
    with pytest.raises(note.BadNote, match="does not verify"):
        open_cosigned(cosigned.replace("an extension", "an extensioN"), witness.verifier)
    # The cosignature is not a plain signed-note signature by the same key (another key ID).
    with pytest.raises(note.BadNote, match="no trusted key"):
        note.open_note(cosigned, [witness.verifier])
    with pytest.raises(note.BadNote):
        cosign(signed, witness, 2**63)
