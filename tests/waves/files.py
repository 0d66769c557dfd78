"""Tiny hand-made household files for the wave tests."""

from __future__ import annotations

V1, V2 = "35.73.01.1001", "35.73.01.1002"


def write_wave(path, rows, header="household_id,village_code,members,desil") -> str:
    """A tiny household CSV: ``rows`` of (id, village code, desil); 3 members each."""
    lines = [header] + [f"{hid},{code},3,{desil}" for hid, code, desil in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)
