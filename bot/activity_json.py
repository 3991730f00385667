"""Activities to and from JSON without msrest's per-value machinery, with the same results.

Every turn turns the incoming JSON into an `Activity`, its conversation reference and
its reply back into JSON. msrest does that generically: per value it copies the
attribute description, runs two key extractors, dispatches on the type name through
dictionaries and `eval`, and before sending it walks the whole reply once more to turn
dicts into models. That was about a third of a turn's CPU (bench/README.md).

Here each model class's `_attribute_map` is compiled once into a plan, and the plans
handle only the values whose result is obvious: exact JSON types where msrest expects
them (str, int, float, bool, plain-JSON objects, lists and dicts of those, nested models)
and, on the way out, models, str enums and timezone-aware datetimes. Anything else (a
number where a string is expected, a dict where a model is expected, a tuple, a model
inside a card, ...) makes the plan give up, and msrest does the whole object as before,
including its errors. So the result is msrest's by construction where msrest decides,
and equal to it where the plan decides: tests/bot/test_activity_json.py compares the two
on the Teams activity corpus and on generated activities.

`activity_from_json` replaces `Activity().deserialize(data)` (`model_from_json` the same
for another model); `model_to_json` replaces
`model.serialize()` and `Serializer.body(model, ...)` for botbuilder models.
"""

from __future__ import annotations

import datetime
import inspect
import re
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from botbuilder.schema import Activity
from isodate.isotzinfo import build_tzinfo
from msrest.serialization import Deserializer, Model, Serializer, _decode_attribute_map_key


class Unconvertible(Exception):
    """The plan cannot tell msrest's result for this value: msrest does the object.

    Raised as a new instance each time: a raised instance collects the traceback of
    every raise, and with it the frames and the activities they hold.
    """


# A converter turns one non-None value into its result, or raises Unconvertible.
Converter = Callable[[Any], Any]
_M = TypeVar("_M", bound=Model)


def activity_from_json(data: dict[str, Any]) -> Activity:
    """The `Activity` msrest's `Activity().deserialize(data)` builds from a JSON object.

    Raises msrest's `DeserializationError` for what msrest cannot deserialise.
    """
    try:
        return _reader(Activity)(data)
    except (Unconvertible, TypeError):
        # TypeError: a model's constructor refused the values; msrest says how.
        return Activity().deserialize(data)


def model_from_json(cls: type[_M], data: dict[str, Any]) -> _M:
    """The model msrest's `cls().deserialize(data)` builds (e.g. a stored
    `ConversationReference`, read for every scheduled post)."""
    try:
        return _reader(cls)(data)  # type: ignore[no-any-return]
    except (Unconvertible, TypeError):
        return cls().deserialize(data)  # type: ignore[no-any-return]


def model_to_json(model: Model) -> dict[str, Any]:
    """The JSON object msrest's `model.serialize()` gives (None attributes left out)."""
    try:
        return _writer(type(model))(model)
    except (Unconvertible, AttributeError):
        return model.serialize()


def try_model_to_json(model: Any) -> dict[str, Any] | None:
    """`model_to_json` for a model the plans fully handle, else None (msrest must do it)."""
    if not isinstance(model, Model):
        return None
    try:
        return _writer(type(model))(model)
    except (Unconvertible, AttributeError):
        return None


# --- reading: JSON -> models ---------------------------------------------------------------

_readers: dict[type, Converter] = {}


def _reader(cls: type) -> Converter:
    """The converter from a JSON object to a `cls`, as msrest's Deserializer builds it."""
    reader = _readers.get(cls)
    if reader is None:
        reader = _compile_reader(cls)
        _readers[cls] = reader
    return reader


def _dependencies(cls: type) -> dict[str, type]:
    # What `Model.deserialize` resolves type names against: the classes of the
    # package the model is exported from (`Model._infer_class_models`).
    return cls._infer_class_models()


def _compile_reader(cls: type) -> Converter:
    attribute_map: dict[str, dict[str, Any]] = cls._attribute_map
    if (
        getattr(cls, "_subtype_map", None)
        or any(c.get("readonly") or c.get("constant") for c in cls._validation.values())
        or "additional_properties" in attribute_map
        or any("." in d["key"] or "\\" in d["key"] for d in attribute_map.values())
    ):
        # Polymorphic, read-only, flattened or explicit extra properties: msrest's own.
        return _unsupported
    dependencies = _dependencies(cls)
    fields = [
        (attribute, config["key"], _value_reader(config["type"], dependencies))
        for attribute, config in attribute_map.items()
    ]
    known_keys = {_decode_attribute_map_key(config["key"]) for config in attribute_map.values()}
    by_key = {key: (attribute, convert) for attribute, key, convert in fields}
    # An attribute whose constructor parameter defaults to None reads the same left out
    # as passed None; the others (no such parameter, another default) are always passed.
    passed = _always_passed(cls, [attribute for attribute, _, _ in fields])
    if len(by_key) != len(fields):
        passed = [attribute for attribute, _, _ in fields]  # two attributes share a key

        def read_all(data: Any) -> Any:
            if type(data) is not dict:
                raise Unconvertible
            kwargs = {}
            for attribute, key, convert in fields:
                value = data.get(key)
                kwargs[attribute] = None if value is None else convert(value)
            return _with_extra(cls(**kwargs), data, data.keys() - known_keys)

        return read_all

    def read(data: Any) -> Any:
        # Walks the JSON's keys (a Teams message has about 15) rather than the model's
        # attributes (an Activity has 50): the same keyword arguments but for the Nones
        # the constructor supplies itself, and the same extra keys, in the JSON's order.
        if type(data) is not dict:
            raise Unconvertible
        kwargs = dict.fromkeys(passed)
        extra = None
        for key, value in data.items():
            field = by_key.get(key)
            if field is None:
                if extra is None:
                    extra = [key]
                else:
                    extra.append(key)
            elif value is not None:
                kwargs[field[0]] = field[1](value)
        return _with_extra(cls(**kwargs), data, extra)

    return read


def _with_extra(instance: Any, data: dict[str, Any], extra: Any) -> Any:
    # As msrest: JSON keys the model does not know are kept, by reference.
    if extra:
        instance.additional_properties = {key: data[key] for key in extra}
    return instance


def _always_passed(cls: type, attributes: list[str]) -> list[str]:
    """The attributes `cls(...)` must be given even when None: those without a keyword
    parameter of their own defaulting to None."""
    try:
        parameters = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return list(attributes)
    return [
        attribute
        for attribute in attributes
        if attribute not in parameters
        or parameters[attribute].kind
        not in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        or parameters[attribute].default is not None
    ]


def _value_reader(type_name: str, dependencies: dict[str, type]) -> Converter:
    if type_name == "str":
        return _exactly(str)
    if type_name == "bool":
        return _exactly(bool)
    if type_name == "int":
        return _exactly(int)
    if type_name == "float":
        return _exactly(float)
    if type_name == "object":
        return plain_json_copy
    if type_name == "iso-8601":
        return _read_iso
    if type_name.startswith("[") and type_name.endswith("]"):
        item = _value_reader(type_name[1:-1], dependencies)

        def read_list(value: Any) -> Any:
            if type(value) is not list:
                raise Unconvertible
            return [None if v is None else item(v) for v in value]

        return read_list
    if type_name.startswith("{") and type_name.endswith("}"):
        item = _value_reader(type_name[1:-1], dependencies)

        def read_dict(value: Any) -> Any:
            if type(value) is not dict:
                raise Unconvertible
            return {k: None if v is None else item(v) for k, v in value.items()}

        return read_dict
    model = dependencies.get(type_name)
    if isinstance(model, type) and issubclass(model, Model) and not issubclass(model, Enum):
        # Resolved when first used: models refer to each other (and to themselves).
        return lambda value: _reader(model)(value)
    return _unsupported


# The timestamps Teams sends: seconds, up to 6 fraction digits, Z or +hh:mm. msrest
# upper-cases first, so "t" and "z" pass too.
_PLAIN_ISO = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(Z|([+-])(\d\d):(\d\d))"
)


# isodate's tzinfo per zone text ("Z", "+01:00"): a FixedOffset never changes, so one per
# offset serves every timestamp. At most 2 × 100 × 100 keys, as the pattern allows. With
# it, whether its offset is one `datetime` accepts (under 24 hours; "+25:00" is not).
_zones: dict[str, tuple[Any, bool]] = {}


def _zone(zone: str, sign: str | None, hours: str | None, minutes: str | None) -> tuple[Any, bool]:
    tzinfo = (
        build_tzinfo("Z") if zone == "Z" else build_tzinfo(zone, sign, int(hours), int(minutes))
    )
    try:
        datetime.datetime(2000, 1, 1, tzinfo=tzinfo).utcoffset()
        sound = True
    except ValueError:
        sound = False
    _zones[zone] = (tzinfo, sound)
    return tzinfo, sound


def _read_iso(value: Any) -> Any:
    """msrest's `Deserializer.deserialize_iso`, whose isodate parsing is ~15 µs a value.

    The plain form is built here as isodate builds it (its tzinfo objects, microseconds
    from at most six digits); anything else goes to msrest.
    """
    if type(value) is not str:
        raise Unconvertible
    match = _PLAIN_ISO.fullmatch(value.upper())
    if match is not None:
        year, month, day, hour, minute, second, fraction, zone, sign, tz_hour, tz_minute = (
            match.groups()
        )
        tzinfo, sound = _zones.get(zone) or _zone(zone, sign, tz_hour, tz_minute)
        try:
            result = datetime.datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second),
                int(fraction.ljust(6, "0")) if fraction else 0, tzinfo,
            )
            # msrest's check that the time is within years 1-9999 in UTC: with a sound
            # offset only a year at either end can leave them (utctimetuple is ~1 µs).
            if (sound and 1 < result.year < 9999) or 1 <= result.utctimetuple().tm_year <= 9999:
                return result
        except (ValueError, OverflowError):
            pass  # msrest says what is wrong with it
    try:
        return Deserializer.deserialize_iso(value)
    except Exception:  # noqa: BLE001 - msrest raises its own error for it
        raise Unconvertible from None


# --- writing: models -> JSON ---------------------------------------------------------------

_writers: dict[type, Converter] = {}


def _writer(cls: type) -> Converter:
    """The converter from a `cls` to its JSON object, as msrest's Serializer writes it."""
    writer = _writers.get(cls)
    if writer is None:
        writer = _compile_writer(cls)
        _writers[cls] = writer
    return writer


def _compile_writer(cls: type) -> Converter:
    attribute_map: dict[str, dict[str, Any]] = cls._attribute_map
    if (
        not issubclass(cls, Model)
        or any(config.get("readonly") for config in cls._validation.values())
        or "additional_properties" in attribute_map
        or any("." in d["key"] or "\\" in d["key"] for d in attribute_map.values())
        or len({d["key"] for d in attribute_map.values()}) != len(attribute_map)
    ):
        return _unsupported
    fields = [
        (attribute, config["key"], _value_writer(config["type"]))
        for attribute, config in attribute_map.items()
    ]

    def write(model: Any) -> dict[str, Any]:
        result = {}
        for attribute, key, convert in fields:
            value = getattr(model, attribute)
            if value is not None:
                result[key] = convert(value)
        return result

    return write


def _value_writer(type_name: str) -> Converter:
    if type_name == "str":
        return _write_str
    if type_name == "bool":
        return _exactly(bool)
    if type_name == "int":
        return _exactly(int)
    if type_name == "float":
        return _exactly(float)
    if type_name == "object":
        return plain_json_copy
    if type_name == "iso-8601":
        return _write_iso
    if type_name.startswith("[") and type_name.endswith("]"):
        item = _value_writer(type_name[1:-1])

        def write_list(value: Any) -> Any:
            if type(value) is not list:
                raise Unconvertible
            return [None if v is None else item(v) for v in value]

        return write_list
    if type_name.startswith("{") and type_name.endswith("}"):
        item = _value_writer(type_name[1:-1])

        def write_dict(value: Any) -> Any:
            if type(value) is not dict:
                raise Unconvertible
            result = {}
            for k, v in value.items():
                if type(k) is not str:
                    raise Unconvertible
                result[k] = None if v is None else item(v)
            return result

        return write_dict
    if type_name in _BASIC_OR_SPECIAL:
        return _unsupported
    # A model: msrest serialises whatever model the attribute holds by its own class
    # (a Mention where an Entity is declared); a dict there is msrest's to convert.
    return _write_model


_BASIC_OR_SPECIAL = frozenset(
    {"long", "decimal", "date", "time", "duration", "rfc-1123", "unix-time", "bytearray", "base64"}
)


def _write_model(value: Any) -> Any:
    if not isinstance(value, Model):
        raise Unconvertible
    return _writer(type(value))(value)


def _write_str(value: Any) -> Any:
    if type(value) is str:
        return value
    if isinstance(value, Enum):
        # msrest writes an enum's value (ActivityTypes.message -> "message").
        return value.value
    raise Unconvertible


def _write_iso(value: Any) -> Any:
    if type(value) is not datetime.datetime or value.tzinfo is None:
        raise Unconvertible
    try:
        return Serializer.serialize_iso(value)
    except Exception:  # noqa: BLE001 - msrest raises its own error for it
        raise Unconvertible from None


# --- shared --------------------------------------------------------------------------------


def _exactly(kind: type) -> Converter:
    def check(value: Any) -> Any:
        if type(value) is not kind:
            raise Unconvertible
        return value

    return check


def _unsupported(value: Any) -> Any:
    raise Unconvertible


_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain_json_copy(value: Any) -> Any:
    """A copy of plain JSON (str keys, exact built-in types); anything else raises
    `Unconvertible`.

    msrest copies an `object` value the same way, in both directions.
    """
    kind = type(value)
    if kind in _PLAIN_SCALARS:
        return value
    if kind is dict:
        copy = {}
        for key, item in value.items():
            if type(key) is not str:
                raise Unconvertible
            copy[key] = plain_json_copy(item)
        return copy
    if kind is list:
        return [plain_json_copy(item) for item in value]
    raise Unconvertible
