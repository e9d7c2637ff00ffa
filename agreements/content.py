"""An agreement version's content, its hash, and what changed between two versions. Pure.

The content is what both parties sign: the template it came from, every clause as rendered
for the terms, and the terms themselves. Its hash is SHA-256 over the canonical JSON (sorted
keys, no spaces), so a signature that quotes the hash proves which words were signed, and
any change, however small, is a different version. A variation's difference lists the
clauses whose heading, summary or text changed (added and removed ones too) and each term
that changed, by its path (``budget_lines[0].hourly_rate_pence``), in path order.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from agreements.template import RenderedClause


def content(template_key: str, clauses: tuple[RenderedClause, ...], terms: dict[str, Any]) -> dict[str, Any]:
    return {
        "template": template_key,
        "clauses": [
            {
                "id": clause.id,
                "heading": clause.heading,
                "summary": clause.summary,
                "text": clause.text,
                "scope": clause.scope,
                "source": clause.source,
                "localised": clause.localised,
                # only templates that give addresses add the key, so earlier agreements' words hash as signed
                **({"sources": [{"title": t, "url": u} for t, u in clause.sources]} if clause.sources else {}),
            }
            for clause in clauses
        ],
        "terms": terms,
    }


def content_hash(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ClauseChange:
    id: str
    heading: str
    change: str
    """``added``, ``removed`` or ``changed``."""
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class TermChange:
    path: str
    before: Any
    after: Any


def _flatten(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat.update(_flatten(inner, f"{path}.{key}" if path else key))
        return flat
    if isinstance(value, list):
        flat = {}
        for index, inner in enumerate(value):
            flat.update(_flatten(inner, f"{path}[{index}]"))
        return flat or {path: []}
    return {path: value}


def _path_order(path: str) -> list[tuple[int, str | int]]:
    """Paths in reading order, list items by number (``outcomes[10]`` after ``outcomes[9]``)."""
    parts: list[tuple[int, str | int]] = []
    for piece in re.split(r"[.\[\]]+", path):
        if piece:
            parts.append((1, int(piece)) if piece.isdigit() else (0, piece))
    return parts


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[list[ClauseChange], list[TermChange]]:
    old = {clause["id"]: clause for clause in before["clauses"]}
    new = {clause["id"]: clause for clause in after["clauses"]}
    clauses = []
    for clause_id in [*old, *(key for key in new if key not in old)]:
        was, now = old.get(clause_id), new.get(clause_id)
        if was is None:
            clauses.append(ClauseChange(clause_id, now["heading"], "added", None, now["text"]))  # type: ignore[index]
        elif now is None:
            clauses.append(ClauseChange(clause_id, was["heading"], "removed", was["text"], None))
        elif any(was[part] != now[part] for part in ("heading", "summary", "text")):
            clauses.append(ClauseChange(clause_id, now["heading"], "changed", was["text"], now["text"]))
    flat_before, flat_after = _flatten(before["terms"]), _flatten(after["terms"])
    terms = [
        TermChange(path, flat_before.get(path), flat_after.get(path))
        for path in sorted(flat_before.keys() | flat_after.keys(), key=_path_order)
        if flat_before.get(path) != flat_after.get(path) or (path in flat_before) != (path in flat_after)
    ]
    return clauses, terms
