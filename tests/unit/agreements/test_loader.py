from __future__ import annotations

from pathlib import Path

import pytest

from relos.agreements.loader import load_agreement_files, load_agreements, shipped_agreements_dir
from relos.kit.errors import ReferenceDataError

SHIPPED = shipped_agreements_dir()


def test_shipped_agreements_load_with_relos_facts() -> None:
    by_id = {a.id: a for a in load_agreements(SHIPPED)}
    assert set(by_id) == {"in-ru-relos", "in-us-lemoa", "in-fr-rls", "in-au-mlsa", "in-jp-acsa"}
    relos = by_id["in-ru-relos"]
    assert relos.parties == ("IN", "RU")
    assert relos.signed.isoformat() == "2025-02-18"
    assert relos.caps == {"warships": 5, "aircraft": 10, "personnel": 3000}
    assert relos.access is not None and relos.access.notice_days["warship"] == 14
    assert relos.term.initial_years == 5 and relos.term.renewal == "mutual_consent"
    assert relos.logistics is not None
    assert {"ammunition", "weapon_systems"} <= set(relos.logistics.excluded_categories)
    assert "entry_into_force" in relos.illustrative
    assert by_id["in-us-lemoa"].access is None
    assert by_id["in-us-lemoa"].signed.isoformat() == "2016-08-29"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _valid_text() -> str:
    return (SHIPPED / "in-ru-relos.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('parties = ["IN", "RU"]', 'parties = ["IN", "XX"]', "parties"),
        ("warships = 5", "frigates = 5", "access.caps"),
        ('facility_kinds = ["port"', 'facility_kinds = ["harbour"', "access.facility_kinds"),
        ("initial_years = 5", "initial_years = 0", "term.initial_years"),
        ("cash = 90, ", "", "logistics"),
        ('short_name = "RELOS"\n', "", "short_name"),
        ("signed = 2025-02-18", "signed = 2027-02-18", "(file)"),
    ],
)
def test_a_broken_file_names_the_file_and_the_field(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    text = _valid_text()
    assert old in text
    _write(tmp_path, "in-ru-relos", text.replace(old, new, 1))
    with pytest.raises(ReferenceDataError) as caught:
        load_agreement_files(tmp_path)
    assert caught.value.detail.startswith(f"in-ru-relos.toml: {field}")


def test_invalid_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "broken", "id = [unclosed")
    with pytest.raises(ReferenceDataError, match=r"^broken.toml: not valid TOML"):
        load_agreement_files(tmp_path)


def test_id_must_match_file_name(tmp_path: Path) -> None:
    _write(tmp_path, "other-name", _valid_text())
    with pytest.raises(ReferenceDataError, match="must match the file name"):
        load_agreement_files(tmp_path)


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="no agreement files"):
        load_agreement_files(tmp_path)
