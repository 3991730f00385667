"""The network data files as pydantic models: what each mapping holds and what each value is.

One model per kind of mapping in a file (`NetworkDocument`, `RoleDocument`, `HolderDocument`,
...), with the fields in the order the format describes them. Validation is strict (no
"yes" for true, no "7" for 7) and collects every problem at once. Every message is written for
the person editing the file (`must be text; got 42`, `unknown role 'kassor'; did you mean
'kassör'?`): pydantic's own messages are translated in `Document`, the base of every model.

A null value counts as absent. References between the parts of one network (a holder's role,
a series' group, a wheel rule's target, ...) are checked against the keys the document
declares, given as a `Declared` in the validation context, so that a role with a mistake of
its own is not also reported as unknown wherever it is used.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from dateutil import rrule as rfc5545
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    WrapValidator,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from domain.registry import (
    DEFAULT_RULE_START,
    MEETING_MODES,
    SHIFT_POLICIES,
    TARGET_EACH_GROUP,
    TARGET_GENERAL,
)
from domain.wheel_checks import CHECK_KINDS, WheelCheck

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
ENTRA_OBJECT_ID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
ISO_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LOCAL_TIME_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}$")
URL_PATTERN = re.compile(r"^https?://\S+$")
# Rules that repeat more often than daily are no meeting or deadline rhythm, and would
# make expanding a year of them needlessly slow.
RRULE_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# Fields someone might add to a holder that the bot must not store (docs/data-protection.md).
PRIVATE_CONTACT_FIELDS = frozenset({
    "phone", "telephone", "mobile", "cell", "telefon", "mobil", "mobilnummer", "telefonnummer",
    "address", "home_address", "adress", "hemadress", "postadress", "private_email",
    "personal_email", "personnummer", "birthdate", "date_of_birth", "födelsedatum",
})

PLANNING_SECTIONS = ("admins", "channels", "agenda", "meeting_kinds", "meetings", "wheel")

T = TypeVar("T")

# --- messages -----------------------------------------------------------------------------

_PROBLEM = "registry_file"  # the error type of every message written here
# Where a problem is, beyond its own place, for `reading` to say (in an error's context):
AT = "at_field"  # the problem is at this other field of the same mapping
FIRST = "first_index"  # the problem repeats the item at this index of the same list

Found = tuple[tuple[str | int, ...], PydanticCustomError, Any]  # place below here, error, value


def problem(message: str, **where: Any) -> PydanticCustomError:
    """An error with its final message, and where else it points (`AT`, `FIRST`).

    pydantic fills in only the `{names}` of the context, so the message stays as it is.
    """
    return PydanticCustomError(_PROBLEM, message, where or None)


def problems_at(title: str, found: Sequence[Found]) -> None:
    """Raise one error with every problem found, each at its place; or nothing."""
    if found:
        errors = [InitErrorDetails(type=e, loc=loc, input=value) for loc, e, value in found]
        raise ValidationError.from_exception_data(title, errors)


def message(error: ErrorDetails) -> str:
    """The message of an error, pydantic's own ones said for the person editing the file."""
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return "missing required field"
    if kind == "string_type":
        return f"must be text; got {kind_of(value)}"
    if kind == "int_type":
        return f"must be a whole number; got {kind_of(value)}"
    if kind == "bool_type":
        return f"must be true or false, not {value!r}"
    if kind == "list_type":
        return f"must be a list; got {kind_of(value)}"
    if kind == "greater_than_equal":
        return f"must be at least {error.get('ctx', {}).get('ge')}, not {value}"
    return error["msg"]


def kind_of(value: Any) -> str:
    """What a value is, as the file says it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}"
    return f"{value!r}"


def unknown(kind: str, key: str, known: Sequence[str]) -> str:
    """`unknown role 'x'`, with the closest known key or the known ones."""
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known) or 'none'}"
    return f"unknown {kind} {key!r}; {hint}"


def _unknown_field(key: Any, known: Sequence[str]) -> str:
    if str(key).casefold() in PRIVATE_CONTACT_FIELDS:
        return (
            f"{key!r}: the registry keeps no private contact details (data "
            "protection); give only name, work e-mail or Entra object id"
        )
    close = difflib.get_close_matches(str(key), known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
    return f"unknown field {key!r}{hint}"


def _again(error: ValidationError) -> list[Found]:
    """The errors of a validation below here, with their messages and places kept."""
    found = []
    for e in error.errors():
        where = {k: v for k, v in e.get("ctx", {}).items() if k in (AT, FIRST)}
        found.append((tuple(e["loc"]), problem(message(e), **where), e["input"]))
    return found


# --- the keys a network declares ---------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """The keys one network declares, as written: what its parts may refer to."""

    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    role_scopes: Mapping[str, str] = field(default_factory=dict)
    kinds: tuple[str, ...] = ()
    kind_steps: Mapping[str, int] = field(default_factory=dict)  # number of steps per kind
    channels: tuple[str, ...] = ()

    @classmethod
    def in_document(cls, document: Any, **given: Any) -> Declared:
        """The keys of a (network or planning) document as parsed; `given` overrides."""
        fields = document if isinstance(document, dict) else {}

        def items(name: str) -> list[dict[str, Any]]:
            value = fields.get(name)
            listed = value if isinstance(value, list) else []
            return [i for i in listed if isinstance(i, dict) and isinstance(i.get("key"), str)]

        declared = cls(
            groups=tuple(i["key"] for i in items("groups")),
            roles=tuple(i["key"] for i in items("roles")),
            role_scopes={i["key"]: i.get("scope") for i in items("roles")},
            kinds=tuple(i["key"] for i in items("meeting_kinds")),
            kind_steps={
                i["key"]: len(i["steps"]) if isinstance(i.get("steps"), list) else 0
                for i in items("meeting_kinds")
            },
            channels=tuple(i["key"] for i in items("channels")),
        )
        return replace(declared, **given)

    @property
    def targets(self) -> tuple[str, ...]:
        """Where a wheel rule may post."""
        return (TARGET_EACH_GROUP, TARGET_GENERAL, *self.groups, *self.channels)


def declared(info: ValidationInfo) -> Declared:
    """The `Declared` keys given to `model_validate(..., context={"declared": ...})`."""
    return info.context["declared"]  # type: ignore[index,no-any-return]


# --- values -------------------------------------------------------------------------------


def _not_blank(value: str) -> str:
    if not value.strip():
        raise problem("must not be empty")
    return value


def _key(value: str) -> str:
    if not KEY_PATTERN.match(value):
        raise problem(
            f"{value!r} is not a valid key: use a-z, 0-9 and _, starting with a letter"
        )
    return value


def _email(value: str) -> str:
    if not EMAIL_PATTERN.match(value):
        raise problem(f"{value!r} is not an e-mail address")
    return value


def _entra_object_id(value: str) -> str:
    if not ENTRA_OBJECT_ID_PATTERN.match(value):
        raise problem(
            f"{value!r} is not an Entra object id "
            "(a GUID like 00000000-0000-0000-0000-000000000000)"
        )
    return value


def _admin(value: str) -> str:
    if not (EMAIL_PATTERN.match(value) or ENTRA_OBJECT_ID_PATTERN.match(value)):
        raise problem(f"{value!r} is neither a work e-mail address nor an Entra object id")
    return value


def _url(value: str) -> str:
    if not URL_PATTERN.match(value):
        raise problem(f"{value!r} is not an http(s) link")
    return value


def _iso_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value  # from a document parsed elsewhere
    if isinstance(value, str) and ISO_DATE_PATTERN.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError as err:
            raise problem(f"{value!r} is not a date: {err}") from None
    raise problem(f"{value!r} is not a date in ISO form (YYYY-MM-DD)")


def _local_time(value: Any) -> datetime:
    """A wall-clock time in Europe/Stockholm: `YYYY-MM-DDTHH:MM`, stored naive."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(second=0, microsecond=0)
    if isinstance(value, str) and LOCAL_TIME_PATTERN.match(value):
        try:
            return datetime.fromisoformat(value.replace(" ", "T"))
        except ValueError as err:
            raise problem(f"{value!r} is not a time: {err}") from None
    raise problem(f"{value!r} is not a local time like 2026-03-10T10:00 (Europe/Stockholm)")


def _rrule(value: Any) -> str:
    """An RFC 5545 RRULE value (`FREQ=YEARLY;BYMONTH=11`), without DTSTART."""
    if not isinstance(value, str):
        raise problem(f"must be text; got {kind_of(value)}")
    rule = _not_blank(value).strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    if "\n" in rule or "DTSTART" in rule.upper():
        raise problem("give only the RRULE value; the first date is `start`")
    try:
        # Any DTSTART will do to read the rule: every start in a file is a naive time.
        rfc5545.rrulestr(rule, dtstart=datetime.combine(DEFAULT_RULE_START, datetime.min.time()))
    except (ValueError, TypeError) as err:
        raise problem(f"{rule!r} is not an RFC 5545 RRULE: {err}") from None
    frequency = re.search(r"FREQ=(\w+)", rule.upper())
    if frequency is None or frequency.group(1) not in RRULE_FREQUENCIES:
        raise problem(f"{rule!r}: give FREQ=DAILY, WEEKLY, MONTHLY or YEARLY (no more often)")
    return rule


def one_of(*choices: str) -> PlainValidator:
    """A value that must be one of `choices`."""
    said = (
        f"{choices[0]!r} or {choices[1]!r}" if len(choices) == 2 else f"one of {', '.join(choices)}"
    )

    def check(value: Any) -> str:
        if value not in choices:
            raise problem(f"must be {said}, not {value!r}")
        return value  # type: ignore[no-any-return]

    return PlainValidator(check)


def _day_counts(value: list[int]) -> tuple[int, ...]:
    """Numbers of days before a date, each given once, largest first."""
    if len(set(value)) != len(value):
        raise problem(f"a number of days is given twice: {value}")
    return tuple(sorted(value, reverse=True))


def _reference(kind: str, known: Callable[[Declared], Sequence[str]]) -> AfterValidator:
    """A key that must be one the network declares (a group, role, meeting kind or target)."""

    def check(value: str, info: ValidationInfo) -> str:
        keys = known(declared(info))
        if value not in keys:
            raise problem(unknown(kind, value, keys))
        return value

    return AfterValidator(check)


def _unique(kind: str) -> WrapValidator:
    """A list of mappings whose `key`s are each given once."""

    def check(items: Any, handler: Callable[[Any], Any]) -> Any:
        found: list[Found] = []
        first: dict[str, int] = {}
        for index, item in enumerate(items if isinstance(items, list) else ()):
            key = item.get("key") if isinstance(item, dict) else None
            if not isinstance(key, str):
                continue
            if key in first:
                duplicate = problem(f"duplicate {kind} key {key!r}", **{FIRST: first[key]})
                found.append(((index, "key"), duplicate, key))
            else:
                first[key] = index
        try:
            result = handler(items)
        except ValidationError as err:
            found += _again(err)
        problems_at(kind, found)
        return result

    return WrapValidator(check)


Text = Annotated[str, AfterValidator(_not_blank)]
Key = Annotated[Text, AfterValidator(_key)]
Email = Annotated[Text, AfterValidator(_email)]
EntraObjectId = Annotated[Text, AfterValidator(_entra_object_id)]
Admin = Annotated[Text, AfterValidator(_admin)]
Url = Annotated[Text, AfterValidator(_url)]
IsoDate = Annotated[date, PlainValidator(_iso_date)]
LocalTime = Annotated[datetime, PlainValidator(_local_time)]
RRule = Annotated[str, PlainValidator(_rrule)]
Shift = Annotated[str, one_of(*SHIFT_POLICIES)]
DayCounts = Annotated[list[Annotated[int, Field(ge=0)]], AfterValidator(_day_counts)]
Positive = Annotated[int, Field(ge=1)]
GroupKey = Annotated[Text, _reference("group", lambda d: d.groups)]
RoleKey = Annotated[Text, _reference("role", lambda d: d.roles)]
KindKey = Annotated[Text, _reference("meeting kind", lambda d: d.kinds)]
TargetKey = Annotated[Text, _reference("target", lambda d: d.targets)]


# --- documents ----------------------------------------------------------------------------


class Document(BaseModel):
    """A mapping in a data file: known fields only, null as absent, every problem at once."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    @classmethod
    def listed_fields(cls) -> tuple[str, ...]:
        """The fields in the order the format describes them, for messages."""
        return tuple(cls.model_fields)

    @model_validator(mode="wrap")
    @classmethod
    def _mapping(cls, value: Any, handler: Callable[[Any], Any]) -> Any:
        if not isinstance(value, dict):
            listed = ", ".join(cls.listed_fields())
            raise problem(f"must be a mapping with {listed}; got {kind_of(value)}")
        known = cls.model_fields
        present = {k: v for k, v in value.items() if v is not None}
        found: list[Found] = [
            ((str(k),), problem(_unknown_field(k, cls.listed_fields())), v)
            for k, v in present.items()
            if k not in known
        ]
        found += cls.checks_across_fields(present)
        result = None
        try:
            result = handler({k: v for k, v in present.items() if k in known} if found else present)
        except ValidationError as err:
            found += _again(err)
        problems_at(cls.__name__, found)
        return result

    @classmethod
    def checks_across_fields(cls, present: dict[Any, Any]) -> list[Found]:
        """Problems in how the fields go together, from the mapping as written (so that they
        are found even when a field has a mistake of its own)."""
        return []


class LocalizedDocument(Document, Generic[T]):
    """`{sv: ..., en: ...}`: one value in Swedish and in English."""

    sv: T
    en: T


class SynonymsDocument(Document):
    """A role's other words, in either language or both."""

    sv: list[Text] = []
    en: list[Text] = []


class GroupDocument(Document):
    key: Key
    name: LocalizedDocument[Text]
    aliases: list[Text] = []


class RoleDocument(Document):
    key: Key
    scope: Annotated[str, one_of("group", "network")]
    title: LocalizedDocument[Text]
    duties: LocalizedDocument[list[Text]]
    synonyms: SynonymsDocument = SynonymsDocument()
    ask_instead: list[RoleKey] = []


class HolderDocument(Document):
    role: RoleKey
    group: GroupKey | None = Field(None, validate_default=True)
    name: Text
    email: Email | None = None
    entra_object_id: EntraObjectId | None = None
    deputy: bool = False
    term_start: IsoDate | None = None
    term_end: IsoDate | None = None

    @field_validator("group")
    @classmethod
    def _group_fits_the_role(cls, group: str | None, info: ValidationInfo) -> str | None:
        role = info.data.get("role")
        scope = declared(info).role_scopes.get(role) if role else None
        if scope == "group" and group is None:
            groups = declared(info).groups
            raise problem(
                f"missing: role {role!r} is held per group; "
                f"give one of {', '.join(groups) or '(no groups)'}"
            )
        if scope == "network" and group is not None:
            raise problem(f"role {role!r} is a network role: remove the group")
        return group

    @field_validator("term_end")
    @classmethod
    def _term_ends_after_it_starts(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("term_start")
        if start and end and end < start:
            raise problem(f"term_end {end} is before term_start {start}")
        return end


class ChannelDocument(Document):
    key: Key
    name: LocalizedDocument[Text]

    @field_validator("key")
    @classmethod
    def _key_is_free(cls, key: str, info: ValidationInfo) -> str:
        if key in declared(info).groups or key in (TARGET_GENERAL, TARGET_EACH_GROUP):
            raise problem(
                f"{key!r} is taken: a channel key must be no group key, "
                f"{TARGET_GENERAL!r} or {TARGET_EACH_GROUP!r}"
            )
        return key


class AgendaDocument(Document):
    standing_points: list[LocalizedDocument[Text]] = []
    reminder_days: DayCounts = (7,)  # type: ignore[assignment]
    shift: Shift = "previous_working_day"


class StepDocument(Document):
    title: LocalizedDocument[Text]
    purpose: LocalizedDocument[Text]
    homework: LocalizedDocument[Text] | None = None


class MeetingKindDocument(Document):
    key: Key
    name: LocalizedDocument[Text]
    standing_agenda: bool = True
    steps: list[StepDocument] = []


class SeriesDocument(Document):
    key: Key
    group: GroupKey
    kind: KindKey
    start: LocalTime
    end: LocalTime
    rrule: RRule | None = None
    mode: Annotated[str, one_of(*MEETING_MODES)] = "physical"
    place: Text | None = None
    online_url: Url | None = None

    @field_validator("end")
    @classmethod
    def _ends_after_it_starts(cls, end: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise problem(f"the meeting ends ({end}) before it starts ({start})")
        return end

    @field_validator("rrule")
    @classmethod
    def _starts_on_the_rule(cls, rule: str | None, info: ValidationInfo) -> str | None:
        start = info.data.get("start")
        if rule is not None and start is not None:
            # dateutil silently skips a DTSTART that does not match the rule.
            first = rfc5545.rrulestr(rule, dtstart=start).after(start, inc=True)
            if first != start:
                said = first.strftime("%Y-%m-%dT%H:%M") if first else "never"
                raise problem(
                    f"{start.strftime('%Y-%m-%dT%H:%M')} is not a date of {rule!r} "
                    f"(the first is {said}): start with the first meeting",
                    **{AT: "start"},
                )
        return rule


class OffsetDocument(Document):
    """`relative_to`: a number of days around each meeting of a kind (or one of its steps)."""

    kind: KindKey
    days: int
    step: Positive | None = None

    @field_validator("step")
    @classmethod
    def _kind_has_the_step(cls, step: int | None, info: ValidationInfo) -> int | None:
        kind = info.data.get("kind")
        count = declared(info).kind_steps.get(kind or "", 0)
        if step is not None and kind is not None and step > count:
            raise problem(f"meeting kind {kind!r} has {count} steps, not {step}")
        return step


class CheckDocument(Document):
    """A wheel rule's `check`: what the rule verifies, by `type`. One model per kind in
    `domain.wheel_checks.CHECK_KINDS`, made from the kind's `settings` (`check_document`)."""

    type: str


# How each kind of setting a check declares is validated.
_SETTING_TYPES: dict[str, Any] = {"meeting_kind": KindKey, "role": RoleKey, "count": Positive}
_CHECK_DOCUMENTS: dict[type[WheelCheck], type[CheckDocument]] = {}


def check_document(kind: type[WheelCheck]) -> type[CheckDocument]:
    """The model of one kind of check's mapping: `type` and its settings, in their order;
    a setting that may be left out is None when it is (the kind's default applies)."""
    model = _CHECK_DOCUMENTS.get(kind)
    if model is None:
        fields: dict[str, Any] = {}
        for setting in kind.settings:
            annotation = (
                Annotated[str, one_of(*setting.choices)]
                if setting.kind == "choice"
                else _SETTING_TYPES[setting.kind]
            )
            fields[setting.name] = (
                (annotation, ...) if setting.required else (annotation | None, None)
            )
        model = create_model(f"{kind.__name__}Document", __base__=CheckDocument, **fields)
        _CHECK_DOCUMENTS[kind] = model
    return model


def _check_kind(value: Any) -> type[WheelCheck] | None:
    check_type = value.get("type") if isinstance(value, dict) else None
    return CHECK_KINDS.get(check_type) if isinstance(check_type, str) else None


def _check(value: Any, info: ValidationInfo) -> CheckDocument:
    kind = _check_kind(value)
    if kind is None:
        check_type = value.get("type") if isinstance(value, dict) else None
        said = f"must be one of {', '.join(CHECK_KINDS)}, not {check_type!r}"
        problems_at("check", [(("type",), problem(said), value)])
    assert kind is not None  # problems_at raised
    return check_document(kind).model_validate(value, context=info.context)


class WheelRuleDocument(Document):
    key: Key
    title: LocalizedDocument[Text]
    description: LocalizedDocument[str] | None = None
    responsible: RoleKey | None = None
    target: TargetKey
    rrule: RRule | None = None
    start: IsoDate | None = None
    relative_to: OffsetDocument | None = None
    check: Annotated[CheckDocument | None, PlainValidator(_check)] = None
    lead_days: DayCounts = (0,)  # type: ignore[assignment]
    on_the_day: bool = True
    shift: Shift = "previous_working_day"

    @classmethod
    def checks_across_fields(cls, present: dict[Any, Any]) -> list[Found]:
        """When the rule falls: exactly one source of dates."""
        found: list[Found] = []
        check = present.get("check")
        kind = _check_kind(check)
        check_type = kind.key if kind is not None else None
        sources = [name for name in ("rrule", "relative_to") if name in present]
        if kind is not None and kind.own_dates:
            if sources:
                found.append((
                    (sources[0],),
                    problem(
                        f"a {check_type} check takes its dates from the meetings or terms it "
                        f"checks: remove {sources[0]!r}"
                    ),
                    present[sources[0]],
                ))
        elif kind is not None:
            if "rrule" not in present:
                found.append(
                    (("rrule",), problem(f"missing: when to run the {check_type} check"), None)
                )
        elif check is None and len(sources) != 1:
            found.append((
                (sources[1],) if sources else ("rrule",),
                problem("give either rrule (dates in the year) or relative_to (around meetings)"),
                None,
            ))
        if "start" in present and "rrule" not in present:
            found.append((
                ("start",),
                problem("start is the first date of an rrule: give rrule too"),
                present["start"],
            ))
        return found


class PlanningDocument(Document):
    """The planning sections of a network: meetings, agenda and the annual wheel."""

    admins: list[Admin] = []
    channels: Annotated[list[ChannelDocument], _unique("channel")] = []
    agenda: AgendaDocument | None = None
    meeting_kinds: Annotated[list[MeetingKindDocument], _unique("kind")] = []
    meetings: Annotated[list[SeriesDocument], _unique("meeting series")] = []
    wheel: Annotated[list[WheelRuleDocument], _unique("wheel rule")] = []


class NetworkDocument(PlanningDocument):
    """One network: its groups, roles and holders, and its planning sections."""

    key: Key
    name: LocalizedDocument[Text]
    description: LocalizedDocument[str] | None = None
    aliases: list[Text] = []
    ask_instead: list[RoleKey] = []
    groups: Annotated[list[GroupDocument], _unique("group")] = []
    roles: Annotated[list[RoleDocument], _unique("role")]
    holders: list[HolderDocument] = []

    @classmethod
    def listed_fields(cls) -> tuple[str, ...]:
        """Its own fields first, then the planning sections."""
        planning = tuple(PlanningDocument.model_fields)
        return tuple(n for n in cls.model_fields if n not in planning) + planning


class NetworksDocument(Document):
    """A file of several networks, `{networks: [...]}`; each is read as a `NetworkDocument`."""

    networks: list[Any] = []
