"""The catalogues: indicators, practices, referrals and roles, as plain data.

They live in YAML files (``stories/catalogue``), so the Delphi weights and labels can be
corrected without touching code; :mod:`trainer.story.loader` reads them and this module
turns the parsed data into typed, validated values and resolves short ids.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field, replace

DIMENSIONS = ("DR", "CR", "RAV", "EX", "CD", "AVD")
RECRUITMENT = ("DR", "CR", "RAV")
DESTINATION = ("CD", "AVD")
STRENGTHS = ("strong", "medium", "weak")
KINDS = ("indicator", "practice", "referral", "role")
TEXT_FIELDS = ("label", "explanation", "recommendation", "poor_example", "question", "reference")


@dataclass(frozen=True)
class Category:
    """A group of indicators, shown together in the case-notes panel."""

    id: str
    label: str
    dimension: str | None = None


@dataclass(frozen=True)
class Indicator:
    """A sign of trafficking, with its ILO–EC dimension and strength."""

    id: str
    category: str
    label: str
    dimension: str | None = None
    strength: str = "medium"
    explanation: str = ""
    reference: str = ""
    victims: tuple[str, ...] = ("adult", "child")
    forms: tuple[str, ...] = ()
    question: str = ""
    recommendation: str = ""


@dataclass(frozen=True)
class Entry:
    """A practice, referral or role."""

    id: str
    label: str
    explanation: str = ""
    recommendation: str = ""
    poor_example: str = ""
    reference: str = ""


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Everything a story may refer to by id (hashed by identity, so it can key caches)."""

    categories: dict[str, Category] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    practices: dict[str, Entry] = field(default_factory=dict)
    referrals: dict[str, Entry] = field(default_factory=dict)
    roles: dict[str, Entry] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    def table(self, kind: str) -> t.Mapping[str, object]:
        """The entries of one kind."""
        tables: dict[str, t.Mapping[str, object]] = {
            "indicator": self.indicators,
            "practice": self.practices,
            "referral": self.referrals,
            "role": self.roles,
        }
        return tables[kind]

    def resolve(self, kind: str, ref: str) -> tuple[str | None, list[str]]:
        """Full id for ``ref`` (a full id or a unique short form), plus candidates.

        :return: ``(full_id, [])`` when found; ``(None, [])`` when unknown;
            ``(None, candidates)`` when the short form is ambiguous.
        """
        table = self.table(kind)
        if ref in table:
            return ref, []
        matches = [key for key in table if key.partition(".")[2] == ref]
        if len(matches) == 1:
            return matches[0], []
        return None, sorted(matches)

    def weight(self, indicator_id: str) -> int:
        """Strong 3, medium 2, weak 1: the score's weighting of an indicator."""
        ind = self.indicators.get(indicator_id)
        return {"strong": 3, "medium": 2, "weak": 1}.get(ind.strength if ind else "", 1)

    def localised(self, overlays: dict[str, t.Any]) -> Catalogue:
        """A copy with labels and texts replaced by a translation overlay.

        :param overlays: ``{"indicators": {id: {label: ...}}, "categories": ..., ...}``,
            as read from the ``*.LANG.yaml`` files. Missing texts keep the original.
        """

        def merge(table: dict[str, t.Any], key: str) -> dict[str, t.Any]:
            extra = overlays.get(key) or {}
            out = {}
            for item_id, item in table.items():
                texts = extra.get(item_id) if isinstance(extra, dict) else None
                if isinstance(texts, dict):
                    # Only words: a translation must never change an id, a strength or a
                    # dimension (that would change the score in one language only).
                    known = {
                        k: str(v)
                        for k, v in texts.items()
                        if k in TEXT_FIELDS and k in item.__dataclass_fields__ and v
                    }
                    item = replace(item, **known)
                out[item_id] = item
            return out

        return replace(
            self,
            categories=merge(self.categories, "categories"),
            indicators=merge(self.indicators, "indicators"),
            practices=merge(self.practices, "practices"),
            referrals=merge(self.referrals, "referrals"),
            roles=merge(self.roles, "roles"),
        )


def build_catalogue(data: dict[str, t.Any]) -> Catalogue:
    """Build a catalogue from parsed YAML; problems are collected, never raised.

    :param data: ``{"categories": {...}, "indicators": [...], "practices": [...],
        "referrals": [...], "roles": [...]}`` (any may be missing).
    """
    problems: list[str] = []
    categories: dict[str, Category] = {}
    raw_categories = data.get("categories") or {}
    if isinstance(raw_categories, dict):
        for cid, fields in raw_categories.items():
            fields = fields if isinstance(fields, dict) else {}
            dim = fields.get("dimension")
            if dim is not None and dim not in DIMENSIONS:
                problems.append(f"category {cid}: unknown dimension {dim!r}")
                dim = None
            categories[str(cid)] = Category(str(cid), str(fields.get("label", cid)), dim)

    indicators: dict[str, Indicator] = {}
    for item in _items(data.get("indicators"), "indicators", problems):
        iid = str(item["id"])
        category = str(item.get("category") or iid.partition(".")[0])
        dim = item.get("dimension")
        if dim is not None and dim not in DIMENSIONS:
            problems.append(f"indicator {iid}: unknown dimension {dim!r}")
            dim = None
        strength = str(item.get("strength", "medium"))
        if strength not in STRENGTHS:
            problems.append(f"indicator {iid}: unknown strength {strength!r}")
            strength = "medium"
        applies = item.get("applies_to") or {}
        applies = applies if isinstance(applies, dict) else {}
        if category not in categories:
            categories[category] = Category(category, category.replace("-", " ").capitalize())
        indicators[iid] = Indicator(
            id=iid,
            category=category,
            label=str(item.get("label", iid)),
            dimension=dim,
            strength=strength,
            explanation=str(item.get("explanation", "")),
            reference=str(item.get("reference", "")),
            victims=tuple(applies.get("victims") or ("adult", "child")),
            forms=tuple(applies.get("forms") or ()),
            question=str(item.get("question", "")),
            recommendation=str(item.get("recommendation", "")),
        )

    def entries(key: str) -> dict[str, Entry]:
        out: dict[str, Entry] = {}
        for item in _items(data.get(key), key, problems):
            out[str(item["id"])] = Entry(
                id=str(item["id"]),
                label=str(item.get("label", item["id"])),
                explanation=str(item.get("explanation", "")),
                recommendation=str(item.get("recommendation", "")),
                poor_example=str(item.get("poor_example", "")),
                reference=str(item.get("reference", "")),
            )
        return out

    return Catalogue(
        categories=categories,
        indicators=indicators,
        practices=entries("practices"),
        referrals=entries("referrals"),
        roles=entries("roles"),
        problems=tuple(problems),
    )


def _items(raw: t.Any, key: str, problems: list[str]) -> list[dict[str, t.Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(f"{key}: expected a list")
        return []
    out = []
    for item in raw:
        if isinstance(item, dict) and item.get("id"):
            out.append(item)
        else:
            problems.append(f"{key}: an entry without an id")
    return out
