"""Advice on whom to ask for feedback, and how the anonymity rule will group those raters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale, gettext, ngettext

from reports.aggregate import plan_groups
from service.services.languages import DEFAULT_LANGUAGE
from service.services.relationship_words import MANY, group_label
from surveys.relationships import POOLABLE

ADVICE = "advice"
WARNING = "warning"
# How many more than k to ask for in a group of peers or direct reports. One more than k keeps
# the group shown when one rater does not answer, or answers "don't know" to a statement
# (a skill's group scores are shown only when every statement has k answers in every group);
# a few more is still small enough that every rater knows the person's work.
RECOMMENDED_ABOVE_K = (1, 3)


@dataclass(frozen=True)
class Voice:
    """Whom the guidance speaks to: the subject about their own round (no name), or HR about
    someone else's (the subject's first name). Each sentence is written twice, once per
    voice, so that every language can say "you" and "Maya's" in its own way."""

    name: str | None = None

    def say(self, yours: str, theirs: str, **values) -> str:
        """`yours` (already translated) for the subject; `theirs` with the name put in."""
        return yours % values if self.name is None else theirs % {"name": self.name, **values}


SUBJECT = Voice()


@dataclass(frozen=True)
class Message:
    level: str  # ADVICE (how many to ask) or WARNING (a group will be merged or hidden)
    text: str


def recommended_group_size(k: int) -> tuple[int, int]:
    """How many peers (or direct reports) to ask under threshold k: k + 1 or more."""
    low, high = RECOMMENDED_ABOVE_K
    return k + low, k + high


# The sentences are translated where they are said (gettext, in the request's language),
# then Voice.say puts the numbers and the name in.
def _size_advice(counts: Mapping[str, int], k: int, voice: Voice) -> list[Message]:
    low, high = recommended_group_size(k)
    messages = []
    managers = counts.get("manager", 0)
    if managers == 0:
        messages.append(
            Message(
                ADVICE,
                voice.say(
                    gettext("Name your manager: their view is shown as its own group, “Manager”."),
                    gettext(
                        "Name %(name)s's manager: their view is shown as its own group, “Manager”."
                    ),
                ),
            )
        )
    elif managers > 1:
        messages.append(
            Message(
                ADVICE,
                voice.say(
                    gettext(
                        "You named %(count)s managers; one is usual. Their scores are averaged "
                        "together and shown as one group, “Manager”."
                    ),
                    gettext(
                        "%(name)s's round names %(count)s managers; one is usual. Their scores "
                        "are averaged together and shown as one group, “Manager”."
                    ),
                    count=managers,
                ),
            )
        )
    peers = counts.get("peer", 0)
    if peers < low:
        so_far = gettext(" (so far %(count)s)", count=peers) if peers else ""
        messages.append(
            Message(
                ADVICE,
                voice.say(
                    gettext(
                        "Name %(low)s–%(high)s peers: colleagues who work alongside you%(so_far)s."
                    ),
                    gettext(
                        "Name %(low)s–%(high)s peers: colleagues who work alongside "
                        "%(name)s%(so_far)s."
                    ),
                    low=low,
                    high=high,
                    so_far=so_far,
                ),
            )
        )
    elif peers > high:
        messages.append(
            Message(
                ADVICE,
                voice.say(
                    gettext(
                        "You named %(count)s peers; %(low)s–%(high)s who know your work well "
                        "usually say more than many who know it a little."
                    ),
                    gettext(
                        "%(name)s's round names %(count)s peers; %(low)s–%(high)s who know "
                        "%(name)s's work well usually say more than many who know it a little."
                    ),
                    count=peers,
                    low=low,
                    high=high,
                ),
            )
        )
    reports = counts.get("direct_report", 0)
    if reports == 0:
        messages.append(
            Message(
                ADVICE,
                voice.say(
                    gettext("If you lead people, name %(low)s–%(high)s of your direct reports."),
                    gettext(
                        "If %(name)s leads people, name %(low)s–%(high)s of %(name)s's "
                        "direct reports."
                    ),
                    low=low,
                    high=high,
                ),
            )
        )
    elif reports < low:
        if voice.name is None:
            text = ngettext(
                "You named %(num)s direct report; if you have more, name %(low)s–%(high)s of them.",
                "You named %(num)s direct reports; if you have more, name %(low)s–%(high)s of "
                "them.",
                reports,
                low=low,
                high=high,
            )
        else:
            text = ngettext(
                "%(name)s's round names %(num)s direct report; if %(name)s has more, name "
                "%(low)s–%(high)s of them.",
                "%(name)s's round names %(num)s direct reports; if %(name)s has more, name "
                "%(low)s–%(high)s of them.",
                reports,
                name=voice.name,
                low=low,
                high=high,
            )
        messages.append(Message(ADVICE, text))
    elif reports > high:
        messages.append(
            Message(
                ADVICE,
                voice.say(
                    gettext(
                        "You named %(count)s direct reports; %(low)s–%(high)s who know your "
                        "work well are usually enough."
                    ),
                    gettext(
                        "%(name)s's round names %(count)s direct reports; %(low)s–%(high)s "
                        "who know %(name)s's work well are usually enough."
                    ),
                    count=reports,
                    low=low,
                    high=high,
                ),
            )
        )
    return messages


def _listed(items: list[str]) -> str:
    """ "direct reports (2) and others (1)", as the language joins a list."""
    locale = get_locale()
    language = locale.language if locale is not None else DEFAULT_LANGUAGE
    if language == DEFAULT_LANGUAGE:
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return format_list(items, locale=language)


def _members(members: list[str], counts: Mapping[str, int]) -> str:
    """ "direct reports (2) and others (1)"."""
    return _listed(
        [gettext("%(group)s (%(count)s)", group=str(MANY[m]), count=counts[m]) for m in members]
    )


def _grouping_warnings(counts: Mapping[str, int], k: int, voice: Voice) -> list[Message]:
    """What the report's groups would be if every rater named here answered."""
    if not any(counts.get(r, 0) for r in ("manager", *POOLABLE)):
        return []
    groups = plan_groups({**counts, "self": 1}, k)
    keys = [group.key for group in groups]
    small = [r for r in POOLABLE if 0 < counts.get(r, 0) < k]
    if keys == ["self"]:
        return [
            Message(
                WARNING,
                voice.say(
                    gettext(
                        "Fewer than %(k)s raters in all: no one's scores could be shown without "
                        "revealing who gave them, so the report would show only your "
                        "self-assessment. Name at least %(k)s raters besides yourself."
                    ),
                    gettext(
                        "Fewer than %(k)s raters in all: no one's scores could be shown without "
                        "revealing who gave them, so the report would show only %(name)s's "
                        "self-assessment. Name at least %(k)s raters besides %(name)s."
                    ),
                    k=k,
                ),
            )
        ]
    if keys == ["self", "others"]:
        return [
            Message(
                WARNING,
                voice.say(
                    gettext(
                        "No group of peers, direct reports or others reaches %(k)s, the "
                        "smallest group whose scores are shown. Everyone's scores, your "
                        "manager's included, would be shown together as one group, “All "
                        "others”."
                    ),
                    gettext(
                        "No group of peers, direct reports or others reaches %(k)s, the "
                        "smallest group whose scores are shown. Everyone's scores, %(name)s's "
                        "manager's included, would be shown together as one group, “All "
                        "others”."
                    ),
                    k=k,
                ),
            )
        ]
    messages = []
    for group in groups:
        if group.key in ("self", "manager", "others") or len(group.members) == 1:
            continue
        values = {
            "k": k,
            "pooled": _members([m for m in group.members if m in small], counts),
            "label": group_label(group.key, group.members),
        }
        if group.key == "combined":
            text = voice.say(
                gettext(
                    "Groups of fewer than %(k)s are not shown on their own, so the scores of "
                    "your %(pooled)s will be pooled and shown together as “%(label)s”. Your "
                    "manager is always shown as their own group."
                ),
                gettext(
                    "Groups of fewer than %(k)s are not shown on their own, so the scores of "
                    "%(name)s's %(pooled)s will be pooled and shown together as "
                    "“%(label)s”. %(name)s's manager is always shown as their own group."
                ),
                **values,
            )
        else:
            text = voice.say(
                gettext(
                    "Groups of fewer than %(k)s are not shown on their own, and your "
                    "%(pooled)s are too few even when pooled: their scores will be merged "
                    "with your %(many)s and shown as “%(label)s”. Your manager is always "
                    "shown as their own group."
                ),
                gettext(
                    "Groups of fewer than %(k)s are not shown on their own, and %(name)s's "
                    "%(pooled)s are too few even when pooled: their scores will be merged "
                    "with %(name)s's %(many)s and shown as “%(label)s”. %(name)s's manager "
                    "is always shown as their own group."
                ),
                many=str(MANY[group.key]),
                **values,
            )
        messages.append(Message(WARNING, text))
    exact = [g for g in groups if g.key not in ("self", "manager", "others") and g.n == k]
    for group in exact:
        messages.append(
            Message(
                ADVICE,
                gettext(
                    "“%(label)s” has exactly %(k)s raters. Groups are formed from the answers "
                    "actually submitted: if one of them does not answer, the group falls below "
                    "%(k)s and is merged too, and if one answers “don't know” to a statement, "
                    "the groups of that whole skill are hidden. Naming one or two more helps.",
                    label=group_label(group.key, group.members),
                    k=k,
                ),
            )
        )
    return messages


def rater_guidance(counts: Mapping[str, int], k: int, voice: Voice = SUBJECT) -> list[Message]:
    """Advice and warnings for raters named per relationship (self excluded) under threshold k,
    worded for the subject or, with another voice, for HR looking at someone else's round.

    The warnings apply the report's own grouping (reports.aggregate.plan_groups) to the
    invited counts, as if everyone answered.
    """
    return _size_advice(counts, k, voice) + _grouping_warnings(counts, k, voice)
