"""Rasa actions for the support-meeting lookup; the work is done in rasa_project.meetings.

Slots (text, custom mappings): meeting_place, meeting_when, meeting_fellowship,
meeting_mode, meeting_kind (kinds joined by spaces: "spanish women"); float slot
meeting_offset counts meetings already said. Message text is read, never logged.
Links to join online meetings go in the message's `custom.links` (and `custom.card` for
screens and the Alexa app), never in the spoken text.
"""
from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from rasa_project.meetings import clock, feeds, gazetteer, places, search, speak, understand, when
from rasa_project.safety.policy import policy

PLACE, WHEN, FELLOWSHIP, MODE = "meeting_place", "meeting_when", "meeting_fellowship", "meeting_mode"
KIND = "meeting_kind"
ASKED = "asked"  # custom payload key: this message already asked for the named slot
OFFSET = "meeting_offset"
PAGE = 3


def local_now() -> datetime:
    """Now in the person's zone (ASSISTANT_TIMEZONE, else the machine's)."""
    return clock.now()


def _warm() -> None:
    """Load the catalog and the national gazetteer (about two seconds, once) off the event loop."""
    feeds.DEFAULT.get()
    gazetteer.towns()


def _previous_user_text(tracker: Tracker) -> str:
    said = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    return said[-2] if len(said) >= 2 else ""


def _text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def _fellowships() -> Dict[str, Tuple[str, ...]]:
    return feeds.DEFAULT.get().fellowships


class ValidateFindMeetingForm(FormValidationAction):
    """Reads place, time, fellowship and online/in-person from every message while the
    form runs, so one sentence can fill them all and "no, Duluth" corrects the place."""

    def name(self) -> Text:
        return "validate_find_meeting_form"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        # An emergency or crisis said mid-search fills nothing (even if it names a
        # place), so the form rejects and the safety rules answer first.
        if tracker.latest_message.get("intent", {}).get("name") in policy().safety_intents:
            return []
        # The extract_ methods read the catalog; load or reload it off the event loop.
        await asyncio.to_thread(_warm)
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        if tracker.get_slot(MODE) == understand.ONLINE:  # online meetings need no place
            return [slot for slot in domain_slots if slot != PLACE]
        return domain_slots

    async def get_extraction_events(self, dispatcher, tracker, domain) -> List[EventType]:
        # The base class extracts only required slots; these four are read on every turn,
        # the mode before the place because it decides whether a place is needed.
        found: Dict[Text, Any] = {}
        for slot in (WHEN, FELLOWSHIP, MODE, KIND, PLACE):
            extracted = await self._extract_slot(slot, dispatcher, tracker, domain)
            found.update(extracted)
            tracker.slots.update(extracted)
        return [SlotSet(slot, value) for slot, value in found.items()]

    async def get_validation_events(self, dispatcher, tracker, domain) -> List[EventType]:
        # The base class keeps only required slots; keep time, fellowship and mode too.
        events = await super().get_validation_events(dispatcher, tracker, domain)
        validated = {event["name"] for event in events}
        recent = tracker.slots_to_validate()
        kept = [SlotSet(s, recent[s]) for s in (WHEN, FELLOWSHIP, MODE, KIND) if s in recent and s not in validated]
        return kept + events

    def extract_meeting_place(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        text = _text(tracker)
        found = understand.place_in(text, _fellowships())
        if found:
            return {PLACE: found}
        answer = _state_answer(tracker)
        if answer:  # "New York" after "Rochester, Minnesota or New York?"
            return {PLACE: answer}
        rest = understand.leftover(text, _fellowships())
        if tracker.get_slot(REQUESTED_SLOT) == PLACE and rest and not understand.near_me(text):
            return {PLACE: rest}  # words we cannot place: validation says so, the form asks again
        return {}

    def extract_meeting_when(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        phrase = when.phrase_in(_text(tracker))
        return {WHEN: phrase} if phrase else {}

    def extract_meeting_fellowship(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        code = understand.fellowship_in(_text(tracker), _fellowships())
        return {FELLOWSHIP: code} if code else {}

    def extract_meeting_kind(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        kinds = understand.kinds_in(_text(tracker))
        return {KIND: " ".join(kinds)} if kinds else {}

    def extract_meeting_mode(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        mode = understand.mode_in(_text(tracker))
        return {MODE: mode} if mode else {}

    def validate_meeting_place(self, value: Any, dispatcher: CollectingDispatcher, tracker, domain) -> Dict[Text, Any]:
        place = places.lookup(str(value)) if value else None
        if isinstance(place, places.Ambiguous):
            # The question itself asks again: ActionAskMeetingPlace stays quiet after it.
            dispatcher.utter_message(text=speak.which_state(place), json_message={ASKED: PLACE})
            return {PLACE: None}
        if place is None:
            dispatcher.utter_message(text=speak.unknown_place())
            return {PLACE: None}
        return {PLACE: place.label}


def _state_answer(tracker: Tracker) -> Optional[str]:
    """The place meant when this message names a state and the last one an ambiguous city."""
    asked = places.find(_previous_user_text(tracker))
    if not isinstance(asked, places.Ambiguous):
        asked = places.lookup(tracker.get_slot(PLACE)) if tracker.get_slot(PLACE) else None
    if not isinstance(asked, places.Ambiguous):
        return None
    place = places.in_state(asked.city, _text(tracker))
    return place.label if place else None


class ActionFindMeeting(Action):
    """Says the first three meetings that fit the slots."""

    def __init__(self, clock: Callable[[], datetime] = local_now):
        self._clock = clock

    def name(self) -> Text:
        return "action_find_meeting"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        # said_now and page read the catalog, which may load or fetch feeds: off the event loop.
        # A correction said outside the form ("no, Duluth") still counts.
        updates = await asyncio.to_thread(said_now, tracker)
        texts, events, links = await asyncio.to_thread(page_with_links, tracker, 0, self._clock(), updates)
        for text in texts:
            dispatcher.utter_message(text=text, json_message=links or None)
        return [SlotSet(slot, value) for slot, value in updates.items()] + events


def said_now(tracker: Tracker) -> Dict[Text, Any]:
    """Search slots the latest message names: a place only if it can be found."""
    text, known = _text(tracker), _fellowships()
    found = {
        PLACE: understand.place_in(text, known),
        WHEN: when.phrase_in(text),
        FELLOWSHIP: understand.fellowship_in(text, known),
        MODE: understand.mode_in(text),
        KIND: " ".join(understand.kinds_in(text)),
    }
    return {slot: value for slot, value in found.items() if value and value != tracker.get_slot(slot)}


def more_meetings(tracker: Tracker, now: Optional[datetime] = None) -> Tuple[List[str], List[EventType], Dict[Text, Any]]:
    """The next three meetings after those already said, with their links, for the generic
    "more" action."""
    return page_with_links(tracker, int(tracker.get_slot(OFFSET) or 0), now or local_now())


def page_with_links(
    tracker: Tracker, offset: int, now: datetime, updates: Optional[Dict[Text, Any]] = None
) -> Tuple[List[str], List[EventType], Dict[Text, Any]]:
    """The spoken page, its slot events, and a payload with the join links (shown, not said)."""
    slots = {slot: tracker.get_slot(slot) for slot in (PLACE, WHEN, FELLOWSHIP, MODE, KIND)}
    slots.update(updates or {})
    # find_meetings turns an unset or unknown mode into ANY, and unknown kinds into none.
    query = understand.Query(place=slots[PLACE], when=slots[WHEN], fellowship=slots[FELLOWSHIP], mode=slots[MODE],
                             kinds=understand.kinds_slot(slots[KIND]))
    result = search.find_meetings(query, now, limit=PAGE, offset=offset)
    events: List[EventType] = [SlotSet(OFFSET, float(offset + len(result.hits)))]
    if result.unknown_place or result.ambiguous:
        events.append(SlotSet(PLACE, None))
    links = [{"name": h.meeting.name, "url": h.meeting.conference_url} for h in result.hits if h.meeting.conference_url]
    payload = {"links": links, "card": {"title": speak.phrases()["card_title"],
                                        "text": "\n".join(f"{l['name']}: {l['url']}" for l in links)}} if links else {}
    return [speak.answer(result, now)], events, payload


class ActionAskMeetingPlace(Action):
    """The form's question for the place, unless this turn already asked which state."""

    def name(self) -> Text:
        return "action_ask_meeting_place"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if not _asked_this_turn(tracker.events):
            dispatcher.utter_message(response="utter_ask_meeting_place")
        return []


def _asked_this_turn(events: List[Dict[Text, Any]]) -> bool:
    for event in reversed(events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and ((event.get("data") or {}).get("custom") or {}).get(ASKED):
            return True
    return False
