"""The database schema: every table the bot stores, as SQLAlchemy declarative models.

This is the one module that owns the schema. A change here needs a new Alembic
migration in `storage/migrations/versions/` (see `storage.database` for how to
generate one); a test checks that the migrated database matches these models.

Registry tables mirror `domain.registry`: bilingual texts are `_sv`/`_en` column
pairs, lists of words are JSON arrays, and every ordered thing has a `position` so
that an export writes the data back in the order it was imported.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints, so that migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no time zone, so without this a value would come back naive there
    and aware on PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone-aware time")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


# Lengths of the columns that hold ids a Teams activity brings. The bot's HTTP edge
# refuses longer ones before the turn runs (PostgreSQL would fail the turn half-way,
# SQLite would store them), so both databases accept exactly the same activities.
TENANT_ID_LENGTH = 64  # a GUID
ENTRA_ID_LENGTH = 64  # an Entra object id or a Microsoft 365 group id: a GUID
TEAMS_ID_LENGTH = 512  # conversation, team and channel ids ("19:…@thread.tacv2")
USER_ID_LENGTH = 128  # a Teams user id ("29:…") where it names who did something
# Names (a person's, a team's, a channel's) are text columns; longer ones are not kept.
NAME_LENGTH = 256


class Base(DeclarativeBase):
    """Declarative base of every table of the bot."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- the role registry ------------------------------------------------------------------


class NetworkRow(Base):
    """A collaboration network (`domain.registry.Network`)."""

    __tablename__ = "network"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    name_sv: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    description_sv: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    aliases: Mapped[list[str]] = mapped_column(JSON)
    ask_instead: Mapped[list[str]] = mapped_column(JSON)
    # The planning sections (admins, channels, agenda, meeting kinds, meeting series, annual
    # wheel) in the data-file form of `storage.registry_files.planning_document`; null
    # when the network has none. Read whole, never queried into.
    planning: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class GroupRow(Base):
    """A group of a network (`domain.registry.Group`); in Teams, one channel."""

    __tablename__ = "network_group"
    __table_args__ = (UniqueConstraint("network_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    name_sv: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    aliases: Mapped[list[str]] = mapped_column(JSON)


class RoleRow(Base):
    """A role of a network with its duties (`domain.registry.Role`)."""

    __tablename__ = "role"
    __table_args__ = (
        UniqueConstraint("network_id", "key"),
        CheckConstraint("scope IN ('group', 'network')", name="scope"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(16))
    title_sv: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    duties_sv: Mapped[list[str]] = mapped_column(JSON)
    duties_en: Mapped[list[str]] = mapped_column(JSON)
    synonyms_sv: Mapped[list[str]] = mapped_column(JSON)
    synonyms_en: Mapped[list[str]] = mapped_column(JSON)
    ask_instead: Mapped[list[str]] = mapped_column(JSON)


class PersonRow(Base):
    """Someone who holds a role: a name and work contact details, nothing more.

    One row per person across all networks; `storage.registry_repository` decides
    when two holders are the same person.
    """

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    entra_object_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class AssignmentRow(Base):
    """A person holding a role in a group, or for the whole network when `group_id` is null."""

    __tablename__ = "assignment"
    __table_args__ = (
        CheckConstraint(
            "term_start IS NULL OR term_end IS NULL OR term_end >= term_start", name="term"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_group.id", ondelete="CASCADE"), index=True
    )
    # No cascade: a person is deleted only once nothing refers to them.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    deputy: Mapped[bool] = mapped_column()
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)


class RegistryRevisionRow(Base):
    """A single counter, bumped by every registry write.

    Replicas compare it with the revision of their cached registry snapshot: one
    tiny query per turn instead of reloading the registry.
    """

    __tablename__ = "registry_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)


# --- meetings -------------------------------------------------------------------------------


class MeetingRow(Base):
    """A meeting of a group (`storage.meetings.Meeting`).

    Keys, not foreign keys, name the network, group and kind, so a meeting survives a
    network being re-imported. A meeting made from a series in the data files keeps the
    series key and the start the series gave it (`occurrence_start`, like an iCalendar
    RECURRENCE-ID), so importing again finds it instead of adding it twice; once an admin
    has moved or cancelled it (`edited`), imports leave it alone.
    """

    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("network_key", "series_key", "occurrence_start"),
        CheckConstraint("mode IN ('physical', 'online', 'hybrid')", name="mode"),
        CheckConstraint("ends_at > starts_at", name="times"),
        # What the reminders and the chat ask: a network's (or group's) meetings in a period.
        Index("ix_meeting_network_key_starts_at", "network_key", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    network_key: Mapped[str] = mapped_column(String(64))
    group_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    series_key: Mapped[str | None] = mapped_column(String(64))
    occurrence_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    step: Mapped[int | None] = mapped_column(Integer)  # n of a numbered kind's steps
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    mode: Mapped[str] = mapped_column(String(16))
    place: Mapped[str | None] = mapped_column(Text)
    online_url: Mapped[str | None] = mapped_column(Text)
    cancelled: Mapped[bool] = mapped_column()
    edited: Mapped[bool] = mapped_column()
    # Raised at every change of time, place or status: the calendar feed's SEQUENCE, so a
    # subscribed calendar replaces its copy of the meeting instead of keeping the old one.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # Entra object id or user id
    updated_by: Mapped[str | None] = mapped_column(String(USER_ID_LENGTH))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AgendaItemRow(Base):
    """A point a member added to a meeting's agenda, with who added it and when."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    author_name: Mapped[str | None] = mapped_column(Text)
    # Entra object id or user id
    author_id: Mapped[str | None] = mapped_column(String(USER_ID_LENGTH))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- minutes --------------------------------------------------------------------------------


class MinutesRow(Base):
    """The minutes of a meeting, filed in the group channel's SharePoint folder
    (`domain.minutes.Minutes`): which drive item holds them and who sent them."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), unique=True
    )
    drive_id: Mapped[str] = mapped_column(String(256))
    item_id: Mapped[str] = mapped_column(String(256))
    web_url: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)  # inside the channel folder, e.g. Protokoll/2026/...
    file_name: Mapped[str] = mapped_column(Text)  # the name the sender gave the file
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str | None] = mapped_column(Text)  # display name or user id
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # SharePoint's version label of the file ("1.0", "2.0" after a replacement).
    version: Mapped[str | None] = mapped_column(String(64))


PENDING_UPLOAD_STATES = ("received", "uploading", "failed")


class PendingUploadRow(Base):
    """A file the bot received and has not yet filed in SharePoint
    (`domain.minutes.PendingUpload`).

    The row is the background job that files the file. While `download_url` is set the
    bytes are still to be fetched from it (`content` is empty until then); afterwards they
    stay here (`content`) or in the data folder (`data_path`) until the upload succeeds,
    so a restart resumes it; `upload_url` and `next_offset` are the upload session and the
    first byte Graph still expects. A worker claims the row until `claimed_until` (a
    lease, renewed while it works); a failed try waits until `next_attempt_at`.
    `awaiting_confirmation`: the meeting's minutes are filed and the sender has not yet
    confirmed replacing them (the card names the row by its random `token`, which also
    keys the notices about the file). The row is deleted when the minutes are recorded.
    """

    __tablename__ = "pending_upload"
    __table_args__ = (
        CheckConstraint(
            "state IN (" + ", ".join(f"'{state}'" for state in PENDING_UPLOAD_STATES) + ")",
            name="state",
        ),
        CheckConstraint(
            "content IS NOT NULL OR data_path IS NOT NULL", name="content_or_path"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(Text)  # the name the sender gave the file
    target_path: Mapped[str] = mapped_column(Text)  # inside the channel folder
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    data_path: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    upload_url: Mapped[str | None] = mapped_column(Text)
    next_offset: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    uploaded_by: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    reply_conversation_id: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    download_url: Mapped[str | None] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(server_default=false())  # a SharePoint link
    awaiting_confirmation: Mapped[bool] = mapped_column(server_default=false())
    token: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    sender_id: Mapped[str | None] = mapped_column(String(512))  # Teams' user id ("29:…")
    sender_aad_object_id: Mapped[str | None] = mapped_column(String(64))
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReceivedFileRow(Base):
    """A file sent to the bot whose meeting the sender still has to pick
    (`domain.minutes.ReceivedFile`).

    Fetched in the background as soon as it arrived (Teams' download links expire within
    about an hour): until then `download_url` names it and `content` is empty; then the
    bytes are here (`content`) or in the data folder (`data_path`). The picking card names
    the row by its random `id` only, never by an address, and only the sender (`sender_id`,
    `sender_aad_object_id`) may pick. Deleted once filed as a pending upload, or after a day
    (housekeeping).
    """

    __tablename__ = "received_file"
    __table_args__ = (
        CheckConstraint(
            "content IS NOT NULL OR data_path IS NOT NULL", name="content_or_path"
        ),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # secrets.token_urlsafe
    network_key: Mapped[str] = mapped_column(String(64))
    group_key: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(Text)  # the name the sender gave the file
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    data_path: Mapped[str | None] = mapped_column(Text)
    sender_id: Mapped[str | None] = mapped_column(String(512))  # Teams' user id ("29:…")
    sender_aad_object_id: Mapped[str | None] = mapped_column(String(ENTRA_ID_LENGTH))
    sender_name: Mapped[str | None] = mapped_column(Text)
    conversation_id: Mapped[str | None] = mapped_column(String(512))  # where it was sent
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Set until the bytes are fetched (`content` is empty until then).
    download_url: Mapped[str | None] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(server_default=false())  # a SharePoint link
    # Set while a pick files it; a pick that died leaves it to be picked again after a while.
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class GraphTeamRow(Base):
    """The Microsoft 365 group id of a team, which Graph names the team by; Teams gives
    the bot the team's thread id (`19:…@thread.tacv2`) and, beside it, this id."""

    __tablename__ = "graph_team"

    team_id: Mapped[str] = mapped_column(String(TEAMS_ID_LENGTH), primary_key=True)
    group_id: Mapped[str] = mapped_column(String(ENTRA_ID_LENGTH))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChannelFolderRow(Base):
    """A channel's files folder in SharePoint as Graph last reported it (`filesFolder`),
    kept so the asking card can link to it without calling Graph while planning."""

    __tablename__ = "channel_folder"

    channel_id: Mapped[str] = mapped_column(String(512), primary_key=True)  # Teams' thread id
    drive_id: Mapped[str] = mapped_column(String(256))
    item_id: Mapped[str] = mapped_column(String(256))
    web_url: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- Teams conversations ------------------------------------------------------------------


class ConversationReferenceRow(Base):
    """A Bot Framework conversation reference, kept so the bot can post proactively."""

    __tablename__ = "conversation_reference"

    conversation_id: Mapped[str] = mapped_column(String(TEAMS_ID_LENGTH), primary_key=True)
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    tenant_id: Mapped[str | None] = mapped_column(String(TENANT_ID_LENGTH))
    team_id: Mapped[str | None] = mapped_column(String(TEAMS_ID_LENGTH), index=True)
    channel_id: Mapped[str | None] = mapped_column(String(TEAMS_ID_LENGTH))
    kind: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column()
    # The user of a personal chat, so a post to a person finds their chat.
    user_entra_object_id: Mapped[str | None] = mapped_column(String(ENTRA_ID_LENGTH), index=True)


class ChannelBindingRow(Base):
    """Which network (and group) a Teams channel, or a whole team, talks about.

    A row with a null `channel_id` binds the whole team to a network. Keys, not
    foreign keys, so a binding survives a network being re-imported.
    """

    __tablename__ = "channel_binding"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id"),
        # NULLs are distinct in a unique constraint: this index allows one team row.
        Index(
            "uq_channel_binding_team_id_whole_team",
            "team_id",
            unique=True,
            sqlite_where=text("channel_id IS NULL"),
            postgresql_where=text("channel_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(TEAMS_ID_LENGTH))
    channel_id: Mapped[str | None] = mapped_column(String(TEAMS_ID_LENGTH))
    network_key: Mapped[str] = mapped_column(String(64))
    group_key: Mapped[str | None] = mapped_column(String(64))


# --- scheduled posts ----------------------------------------------------------------------

OUTBOX_STATUSES = (
    "pending", "claimed", "sent", "late-sent", "stale", "superseded", "failed", "undeliverable"
)


class OutboxRow(Base):
    """One scheduled post to one channel (`domain.posts.PlannedPost`) and its delivery.

    `key` is the post's deterministic key, so planning it again finds this row. A worker
    claims a due row (`claimed_by` until `claimed_until`), sends it and records the
    outcome; a claim whose lease ran out belongs to a dead worker and is claimed again.
    `last_error` holds the HTTP status and the connector's error code, never a token.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{status}'" for status in OUTBOX_STATUSES) + ")",
            name="status",
        ),
        # What the delivery worker asks on every tick: the due rows of a status.
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        # What the overview asks: a network's posts around a time.
        Index("ix_outbox_network_key_due_at", "network_key", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(512), unique=True)
    network_key: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # text, card, mentions
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stale_after: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    conversation_id: Mapped[str | None] = mapped_column(String(512))  # where it was sent
    activity_id: Mapped[str | None] = mapped_column(String(512))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    late: Mapped[bool] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A post to one person's personal chat (`domain.posts.Recipient`); null: the channel.
    person_entra_object_id: Mapped[str | None] = mapped_column(String(64))
    person_name: Mapped[str | None] = mapped_column(Text)


# --- audit log ------------------------------------------------------------------------------


class AuditRow(Base):
    """One change made through the bot or the command line (`domain.audit.AuditEntry`).

    `actor` is who made it: an Entra object id or Teams user id from the chat, `cli:LOGIN`
    from the command line, `teams` for what Teams events did, `system` for the bot itself.
    `before` and `after` describe what changed, as JSON, never with secrets.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        # What "logg" and `app.py audit --network` ask: a network's latest entries.
        Index("ix_audit_log_network_key_at", "network_key", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # retention purges by it
    actor: Mapped[str | None] = mapped_column(String(USER_ID_LENGTH))
    action: Mapped[str] = mapped_column(String(64))
    network_key: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(Text)  # e.g. "meeting 12", "channel 19:…"
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)


# --- annual-wheel overrides -----------------------------------------------------------------


class WheelOverrideRow(Base):
    """An admin's change to one annual-wheel entry, on top of the rule the data file ships
    (`storage.wheel_overrides.WheelOverride`).

    `changes` holds only what differs from the shipped rule (JSON: months, day,
    offset_days, lead_days, target, responsible, paused_years), so a later import of the
    data file still changes everything the override leaves alone. Keys, not foreign keys:
    an override survives a network being re-imported.
    """

    __tablename__ = "wheel_override"
    __table_args__ = (UniqueConstraint("network_key", "rule_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    network_key: Mapped[str] = mapped_column(String(64))
    rule_key: Mapped[str] = mapped_column(String(64))
    changes: Mapped[Any] = mapped_column(JSON)
    # Who changed it is in the audit log only: one place to erase a person from.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- calendar subscriptions -------------------------------------------------------------------


class CalendarTokenRow(Base):
    """A calendar subscription link of a network or one of its groups
    (`domain.calendar_tokens.CalendarToken`).

    Only the SHA-256 of the link's token is stored: the token itself is derived from a
    key kept outside the database (`CALENDAR_LINK_KEY`) and the `generation`, so a copy
    of the database opens no calendar. Revoking sets `revoked_at`; the next link of the
    scope is the next generation, a new token. `group_key` '' is the whole network (a
    NULL would not take part in the unique constraint on PostgreSQL).
    """

    __tablename__ = "calendar_token"
    __table_args__ = (UniqueConstraint("network_key", "group_key", "generation"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    network_key: Mapped[str] = mapped_column(String(64))
    group_key: Mapped[str] = mapped_column(String(64))
    generation: Mapped[int] = mapped_column(Integer)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SendBudgetRow(Base):
    """The tenant's send rate, shared by every replica (`storage.send_budget`).

    One row per budget (a tenant): `next_at` is the earliest time the next send may go,
    moved on by one spacing (1 / posts per second) with every send any replica reserves;
    `blocked_until` is the end of the last Retry-After Teams gave any of them.
    """

    __tablename__ = "send_budget"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
