"""Load every spoken text: content/<language>/ holds the guidance topics (*.yml), the
region files (regions/), and the phrases each part says on its own (phrases/<area>.yml:
items like the topics', or `templates` a module fills in, such as the meeting lookup's)."""
from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONTENT_ROOT = PROJECT_ROOT / "content"
DEFAULT_LANGUAGE = "en"
DEFAULT_REGION = "minnesota"
ASSISTANT_PHRASES = "assistant"  # phrases/assistant.yml: what the actions say around guidance


def language_dir(language: Optional[str] = None, root: Path = CONTENT_ROOT) -> Path:
    """content/<language>/, from $ASSISTANT_LANGUAGE (default en). A second language is a
    second folder with the same files, checked by the same validator."""
    return Path(root) / (language or os.environ.get("ASSISTANT_LANGUAGE") or DEFAULT_LANGUAGE)



@dataclass(frozen=True)
class Item:
    id: str
    source: str  # where the facts come from (file in shared/sources or a public source)
    chunks: Tuple[str, ...]  # spoken in order, one "want to hear more?" between each
    file: str  # the file it was read from, for messages that name it
    note: Optional[str] = None  # why a choice was made, e.g. where sources disagree
    reviewed_by: str = ""  # the clinician who signed it (the file's, unless the item names one); "" = unreviewed
    as_of: str = ""  # local facts: when they were last known true, "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    then: Optional[Tuple[str, ...]] = None  # what follows it on "more"; None: the topic's `then`

    @property
    def as_of_date(self) -> Optional[datetime.date]:
        """The last day `as_of` can mean (a year means its 31 December), None when unreadable."""
        return parse_as_of(self.as_of)


@dataclass(frozen=True)
class Topic:
    name: str
    file: str
    items: Dict[str, Item]
    # The walkthrough (overdose_emergency): branch name -> steps in order, each step the
    # item ids said together. The person's state picks the branch (content/walkthrough.py).
    branches: Dict[str, Tuple[Tuple[str, ...], ...]] = field(default_factory=dict)
    dose_items: Tuple[str, ...] = ()  # items that tell to give naloxone: a check-in follows
    # Said after the answering item on "more": "region:<topic>" (the region's item) or an item id.
    then: Tuple[str, ...] = ()
    chosen_by_words: Dict[str, Tuple[str, ...]] = field(default_factory=dict)  # item id -> words that pick it

    def choose(self, words: List[str]) -> str:
        """The item that answers someone who said `words`: the first whose words they used,
        else the item named like the topic."""
        said = set(words)
        return next((item for item, cues in self.chosen_by_words.items() if said & set(cues)), self.name)

    @property
    def steps(self) -> Tuple[str, ...]:
        """Every item id a walkthrough branch says, once each, in file order."""
        seen = [i for branch in self.branches.values() for step in branch for i in step]
        return tuple(dict.fromkeys(seen))


@dataclass(frozen=True)
class Library:
    topics: Dict[str, Topic]
    region: Optional[Topic]  # the region's items extend topics of the same name
    phrases: Dict[str, Item]

    def item(self, topic: str, item_id: Optional[str] = None) -> Optional[Item]:
        found = self.topics.get(topic)
        return found.items.get(item_id or topic) if found else None

    def topic_chunks(self, topic: str, item_id: Optional[str] = None) -> List[str]:
        """What to say for an intent: the region's item first, then the national one; or, for
        a topic with `then`, the answering item (`item_id`) and what follows it."""
        found = self.topics.get(topic)
        national = self.item(topic, item_id)
        if found and found.then and national:
            follows = found.then if national.then is None else national.then
            return [*national.chunks, *(c for ref in follows for c in self._chunks_of(found, ref))]
        chunks: List[str] = list(self._region_chunks(topic))
        if national:
            chunks.extend(national.chunks)
        return chunks

    def _region_chunks(self, topic: str) -> Tuple[str, ...]:
        return self.region.items[topic].chunks if self.region and topic in self.region.items else ()

    def _chunks_of(self, topic: Topic, ref: str) -> Tuple[str, ...]:
        kind, _, name = ref.rpartition(":")
        return self._region_chunks(name) if kind == "region" else topic.items[name].chunks

    def phrase(self, name: str) -> str:
        return " ".join(self.phrases[name].chunks)


_AS_OF = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def parse_as_of(value: str) -> Optional[datetime.date]:
    """'2018' -> 2018-12-31, '2018-06' -> 2018-06-30, '2018-06-01' -> itself; else None."""
    match = _AS_OF.match(value.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day:
            return datetime.date(year, month, day)
        next_month = datetime.date(year + 1, 1, 1) if not month or month == 12 else datetime.date(year, month + 1, 1)
        return next_month - datetime.timedelta(days=1)
    except ValueError:
        return None


def _text(value) -> str:
    """A YAML scalar as written: an unquoted 2018-06-01 is read as a date, 2018 as an int."""
    return "" if value is None else str(value).strip()


def _item(raw: dict, file: Path, reviewed_by: str = "") -> Item:
    chunks = raw.get("chunks")
    if chunks is None and "text" in raw:
        chunks = [raw["text"]]
    return Item(
        id=str(raw["id"]),
        source=str(raw.get("source") or ""),
        chunks=tuple(str(c).strip() for c in chunks or []),
        file=str(file),  # as loaded; the validator shows it relative to the project it checks
        note=raw.get("note"),
        reviewed_by=_text(raw.get("reviewed_by")) or reviewed_by,
        as_of=_text(raw.get("as_of")),
        then=tuple(raw["then"]) if "then" in raw else None,
    )


def load_topic(path: Path) -> Topic:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    reviewed_by = _text(data.get("reviewed_by"))
    items = {i.id: i for i in (_item(raw, path, reviewed_by) for raw in data.get("items") or [])}
    name = str(data.get("topic") or data.get("region") or path.stem)
    return Topic(
        name=name,
        file=str(path),
        items=items,
        branches={
            str(name): tuple(tuple([s] if isinstance(s, str) else s) for s in steps)
            for name, steps in (data.get("branches") or {}).items()
        },
        dose_items=tuple(data.get("dose_items") or ()),
        then=tuple(data.get("then") or ()),
        chosen_by_words={str(k): tuple(str(w) for w in v) for k, v in (data.get("chosen_by_words") or {}).items()},
    )


def load_library(content_dir: Optional[Path] = None, region: Optional[str] = None) -> Library:
    content_dir = Path(content_dir or language_dir())
    topics = {}
    for path in sorted(content_dir.glob("*.yml")):
        topic = load_topic(path)
        topics[topic.name] = topic
    phrases = load_phrases(ASSISTANT_PHRASES, content_dir)
    region = region if region is not None else os.environ.get("ASSISTANT_REGION", DEFAULT_REGION)
    region_file = content_dir / "regions" / f"{region}.yml"
    region_topic = load_topic(region_file) if region and region_file.exists() else None
    return Library(topics=topics, region=region_topic, phrases=phrases)


def phrase_file(area: str, content_dir: Optional[Path] = None) -> Path:
    return Path(content_dir or language_dir()) / "phrases" / f"{area}.yml"


def load_phrases(area: str, content_dir: Optional[Path] = None) -> Dict[str, Item]:
    """The items of phrases/<area>.yml ({} when there is no such file)."""
    path = phrase_file(area, content_dir)
    return load_topic(path).items if path.is_file() else {}


def load_templates(area: str, content_dir: Optional[Path] = None) -> dict:
    """The `templates` of phrases/<area>.yml: nested fragments a module fills in."""
    data = yaml.safe_load(phrase_file(area, content_dir).read_text(encoding="utf-8")) or {}
    return data["templates"]


@lru_cache(maxsize=None)
def phrase(area: str, name: str) -> str:
    """One phrase of phrases/<area>.yml, in the configured language, read once."""
    return " ".join(load_phrases(area)[name].chunks)


@lru_cache(maxsize=1)
def default_library() -> Library:
    """The library the actions speak from, read once on first use."""
    return load_library()
