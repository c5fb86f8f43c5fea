"""Load the sourced guidance items from content/*.yml and the region files."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONTENT_DIR = PROJECT_ROOT / "content"
DEFAULT_REGION = "minnesota"


@dataclass(frozen=True)
class Item:
    id: str
    source: str  # where the facts come from (file in shared/sources or a public source)
    chunks: Tuple[str, ...]  # spoken in order, one "want to hear more?" between each
    file: str  # the file it was read from, for messages that name it
    note: Optional[str] = None  # why a choice was made, e.g. where sources disagree


@dataclass(frozen=True)
class Topic:
    name: str
    file: str
    items: Dict[str, Item]
    steps: Tuple[str, ...] = ()  # walkthrough order (overdose_emergency)
    jumps: Dict[str, str] = field(default_factory=dict)  # intent -> step id it jumps to
    checkin_after: Tuple[str, ...] = ()  # items after which the assistant checks in unprompted


@dataclass(frozen=True)
class Library:
    topics: Dict[str, Topic]
    region: Optional[Topic]  # the region's items extend topics of the same name
    phrases: Dict[str, Item]

    def item(self, topic: str, item_id: Optional[str] = None) -> Optional[Item]:
        found = self.topics.get(topic)
        return found.items.get(item_id or topic) if found else None

    def topic_chunks(self, topic: str) -> List[str]:
        """What to say for an intent: the region's item first, then the national one."""
        chunks: List[str] = []
        if self.region and topic in self.region.items:
            chunks.extend(self.region.items[topic].chunks)
        national = self.item(topic)
        if national:
            chunks.extend(national.chunks)
        return chunks

    def phrase(self, name: str) -> str:
        return " ".join(self.phrases[name].chunks)


def _item(raw: dict, file: Path) -> Item:
    chunks = raw.get("chunks")
    if chunks is None and "text" in raw:
        chunks = [raw["text"]]
    return Item(
        id=str(raw["id"]),
        source=str(raw.get("source") or ""),
        chunks=tuple(str(c).strip() for c in chunks or []),
        file=str(file),  # as loaded; the validator shows it relative to the project it checks
        note=raw.get("note"),
    )


def load_topic(path: Path) -> Topic:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = {i.id: i for i in (_item(raw, path) for raw in data.get("items") or [])}
    name = str(data.get("topic") or data.get("region") or path.stem)
    return Topic(
        name=name,
        file=str(path),
        items=items,
        steps=tuple(data.get("steps") or ()),
        jumps=dict(data.get("jumps") or {}),
        checkin_after=tuple(data.get("checkin_after") or ()),
    )


def load_library(content_dir: Path = CONTENT_DIR, region: Optional[str] = None) -> Library:
    content_dir = Path(content_dir)
    topics = {}
    for path in sorted(content_dir.glob("*.yml")):
        if path.stem == "phrases":
            continue
        topic = load_topic(path)
        topics[topic.name] = topic
    phrases_file = content_dir / "phrases.yml"
    phrases = load_topic(phrases_file).items if phrases_file.exists() else {}
    region = region if region is not None else os.environ.get("ASSISTANT_REGION", DEFAULT_REGION)
    region_file = content_dir / "regions" / f"{region}.yml"
    region_topic = load_topic(region_file) if region and region_file.exists() else None
    return Library(topics=topics, region=region_topic, phrases=phrases)


@lru_cache(maxsize=1)
def default_library() -> Library:
    """The library the actions speak from, read once on first use."""
    return load_library()
