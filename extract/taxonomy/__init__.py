"""The skill taxonomy as data (`skills.yaml`), loaded and validated once.

Validation is strict because every later number depends on it: ids are unique, no alias belongs to two
ids, every implied id exists, and every regular expression compiles.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from extract.errors import TaxonomyError

TAXONOMY_DIR = Path(__file__).resolve().parent
SKILLS_FILE = TAXONOMY_DIR / "skills.yaml"
RELATIONS_FILE = TAXONOMY_DIR / "relations.yaml"
KINDS = {"tool", "concept"}


@dataclass(frozen=True)
class Context:
    window: int = 40
    require: re.Pattern[str] | None = None
    exclude: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Skill:
    id: str
    name: str
    category: str
    kind: str
    aliases: tuple[str, ...] = ()
    cs_aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    case_sensitive_patterns: bool = False
    context: Context | None = None
    implies: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Taxonomy:
    skills: dict[str, Skill]
    version: str

    def __contains__(self, skill_id: object) -> bool:
        return skill_id in self.skills

    def name(self, skill_id: str) -> str:
        return self.skills[skill_id].name

    @cached_property
    def _by_name(self) -> dict[str, str]:
        """Every way to write a skill, folded: its id, its name and its aliases, in any case."""
        names: dict[str, str] = {}
        for skill in self.skills.values():
            for written in (
                skill.id,
                skill.id.replace("_", " "),
                skill.name,
                *skill.aliases,
                *skill.cs_aliases,
            ):
                names.setdefault(_fold(written), skill.id)
        return names

    def find(self, written: str) -> str | None:
        """The skill id someone means by a name, id or alias in any case ("PyTorch", "torch", "scikit_learn")."""
        return self._by_name.get(_fold(written))

    def closest(self, written: str, n: int = 3) -> list[str]:
        """The names of the skills spelt most like `written` ("pytroch" -> PyTorch), for a "did you mean"."""
        found = difflib.get_close_matches(_fold(written), list(self._by_name), n=n * 3, cutoff=0.6)
        return list(dict.fromkeys(self.name(self._by_name[key]) for key in found))[:n]


def _fold(written: str) -> str:
    return " ".join(written.lower().replace("_", " ").split())


def _compile(pattern: str, where: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise TaxonomyError(f"{where}: invalid regular expression {pattern!r}: {exc}") from exc


def _skill(raw: dict[str, Any], where: str) -> Skill:
    for key in ("id", "name", "category", "kind"):
        if not raw.get(key):
            raise TaxonomyError(f"{where}: missing {key!r}")
    if raw["kind"] not in KINDS:
        raise TaxonomyError(f"{where}: kind must be one of {sorted(KINDS)}, not {raw['kind']!r}")
    context = None
    if raw.get("context"):
        ctx = raw["context"]
        context = Context(
            window=int(ctx.get("window", 40)),
            require=_compile(ctx["require"], f"{where} context.require") if ctx.get("require") else None,
            exclude=_compile(ctx["exclude"], f"{where} context.exclude") if ctx.get("exclude") else None,
        )
    flags = 0 if raw.get("case_sensitive_patterns") else re.IGNORECASE
    for pattern in raw.get("patterns") or []:
        _compile(pattern, f"{where} patterns", flags)
    return Skill(
        id=str(raw["id"]),
        name=str(raw["name"]),
        category=str(raw["category"]),
        kind=str(raw["kind"]),
        aliases=tuple(str(a) for a in raw.get("aliases") or []),
        cs_aliases=tuple(str(a) for a in raw.get("cs_aliases") or []),
        patterns=tuple(str(p) for p in raw.get("patterns") or []),
        case_sensitive_patterns=bool(raw.get("case_sensitive_patterns")),
        context=context,
        implies={str(k): tuple(v) for k, v in (raw.get("implies") or {}).items()},
    )


def parse_taxonomy(data: Any, source: str = "taxonomy") -> Taxonomy:
    """Build and validate a taxonomy from parsed YAML."""
    if not isinstance(data, dict) or not isinstance(data.get("skills"), list):
        raise TaxonomyError(f"{source}: expected a mapping with a `skills` list")
    skills: dict[str, Skill] = {}
    owners: dict[str, str] = {}
    for index, raw in enumerate(data["skills"], start=1):
        where = f"{source} skill #{index} ({raw.get('id') if isinstance(raw, dict) else raw!r})"
        if not isinstance(raw, dict):
            raise TaxonomyError(f"{where}: expected a mapping")
        skill = _skill(raw, where)
        if skill.id in skills:
            raise TaxonomyError(f"{where}: duplicate id {skill.id!r}")
        skills[skill.id] = skill
        keys = [" ".join(a.lower().split()) for a in skill.aliases] + [f"={a}" for a in skill.cs_aliases]
        for key in keys:
            if key in owners and owners[key] != skill.id:
                raise TaxonomyError(f"{where}: alias {key.lstrip('=')!r} already belongs to {owners[key]!r}")
            owners[key] = skill.id
    for skill in skills.values():
        for alias, implied in skill.implies.items():
            unknown = [i for i in implied if i not in skills]
            if unknown:
                raise TaxonomyError(f"{source}: {skill.id} implies unknown ids {unknown} (via {alias!r})")
    return Taxonomy(skills=skills, version=str(data.get("version", "1")))


def read_yaml(path: Path) -> Any:
    """A data file of the taxonomy, parsed; a missing or broken file is a `TaxonomyError` naming it."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TaxonomyError(f"cannot read {path}: {exc}") from exc


@cache
def load_taxonomy(path: Path = SKILLS_FILE) -> Taxonomy:
    return parse_taxonomy(read_yaml(path), str(path.name))


@dataclass(frozen=True)
class SkillRelations:
    """How skills relate when someone's skills meet a posting's asks (`relations.yaml`): what holding a skill
    means holding too, and which skills a posting names as alternatives to each other."""

    entails: dict[str, frozenset[str]] = field(default_factory=dict)  # chains already followed
    alternatives: tuple[frozenset[str], ...] = ()

    @cached_property
    def _group(self) -> dict[str, frozenset[str]]:
        """Each skill that has alternatives -> its group of alternatives."""
        return {skill: group for group in self.alternatives for skill in group}

    def holding(self, skills: Iterable[str]) -> frozenset[str]:
        """The skills held, with every skill they entail."""
        mine = set(skills)
        return frozenset(mine.union(*(self.entails.get(skill, frozenset()) for skill in mine)))

    def one_of_each(self, skills: Iterable[str], rank: Callable[[str], Any]) -> tuple[str, ...]:
        """`skills` with only the first by `rank` of any alternatives among them (to learn one cloud, not
        three)."""
        kept: dict[frozenset[str] | str, str] = {}
        for skill in sorted(skills, key=rank):
            kept.setdefault(self._group.get(skill, skill), skill)
        return tuple(sorted(kept.values()))

    def asks(self, asked: Mapping[str, float]) -> tuple[tuple[frozenset[str], float], ...]:
        """A posting's asks ({skill: weight}) as the units it is met by: alternatives it names together
        become one unit, met by any of them, weighing as much as the heaviest."""
        units: dict[frozenset[str], float] = {}
        for skill, weight in asked.items():
            group = self._group.get(skill)
            unit = frozenset(asked.keys() & group) if group else frozenset({skill})
            units[unit] = max(units.get(unit, 0.0), weight)
        return tuple(sorted(units.items(), key=lambda kv: (-kv[1], sorted(kv[0]))))


def parse_relations(data: Any, taxonomy: Taxonomy, source: str = "relations") -> SkillRelations:
    """Build and validate the skill relations; unknown ids, and a skill in two alternative groups, are errors."""
    data = data or {}
    if not isinstance(data, dict) or set(data) - {"entails", "alternatives"}:
        raise TaxonomyError(f"{source}: expected the tables `entails` and `alternatives`")

    def known(ids: list[Any], where: str) -> list[str]:
        unknown = [i for i in ids if str(i) not in taxonomy]
        if unknown:
            raise TaxonomyError(f"{source} {where}: unknown skill ids {unknown}")
        return [str(i) for i in ids]

    direct = {
        str(key): tuple(known([key, *(value or [])], f"entails {key!r}")[1:])
        for key, value in (data.get("entails") or {}).items()
    }
    closure: dict[str, frozenset[str]] = {}
    for start in direct:
        seen: set[str] = set()
        todo = list(direct[start])
        while todo:
            skill = todo.pop()
            if skill not in seen and skill != start:
                seen.add(skill)
                todo.extend(direct.get(skill, ()))
        closure[start] = frozenset(seen)
    groups = [frozenset(known(list(group), "alternatives")) for group in data.get("alternatives") or []]
    for i, group in enumerate(groups):
        for other in groups[i + 1 :]:
            if group & other:
                raise TaxonomyError(f"{source}: {sorted(group & other)} stand in two alternative groups")
    return SkillRelations(closure, tuple(groups))


@cache
def load_relations(path: Path = RELATIONS_FILE) -> SkillRelations:
    return parse_relations(read_yaml(path), load_taxonomy(), path.name)
