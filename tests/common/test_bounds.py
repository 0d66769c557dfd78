"""Absurd numbers and resource bombs refused before work (issue 18)."""

from __future__ import annotations

import time

import pytest

from geo.common.errors import GeoInputError
from geo.config import load_config

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))

CASES = {
    "weights.toml": ('[[indicator]]\ncolumn = "desil1_share"\nweight = 1e308\n'
                     '[[indicator]]\ncolumn = "mpi_m0"\nweight = 1e308\n', "1,000"),
    "mpi.toml": ('[mpi.weights]\ndep_nutrition = "1e400"\n', "above 1"),
    "bomb.yaml": (BOMB, "too many aliases"),
    "label.yaml": ("description: " + "x" * 600 + "\n", "too long"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_absurd_config_values_are_refused_with_one_line(tmp_path, name):
    text, expected = CASES[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(GeoInputError) as caught:
        load_config(path)
    message = caught.value.render("en")
    assert expected in message and "\n" not in message
    assert time.monotonic() - started < 5  # the bomb is refused before it is expanded


def test_a_config_file_over_the_size_cap_is_refused_unread(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * (2 << 20), encoding="utf-8")
    with pytest.raises(GeoInputError) as caught:
        load_config(path)
    assert "too large" in caught.value.render("en")
