"""The "utskick" / "posts" overview: what is planned, late, missed or stuck, in words."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from dialogs.conversation import CommandRequest
from dialogs.posts import PostsOverview
from domain.posts import Countdown, PlannedPost
from domain.registry import Group, Localized, Network, RoleRegistry
from domain.turns import Turn
from storage.database import Database
from storage.outbox import Outbox
from tests.scheduler.planned import START, FixedClock, general_post, post
from views.posts import as_sent

LEASE = timedelta(minutes=5)
BEST_SERVICE = Network(
    key="bestservice",
    name=Localized("Best Service", "Best Service"),
    groups=(
        Group("logistik", Localized("Logistik", "Logistics")),
        Group("maltider", Localized("Måltider", "Meals")),
    ),
)


class FixedPlanner:
    def __init__(self, posts: list[PlannedPost]):
        self.posts = posts

    async def planned_posts(self, until: datetime) -> list[PlannedPost]:
        return [p for p in self.posts if p.due_at <= until]


def request(language: str) -> CommandRequest:
    return CommandRequest(
        turn=Turn(text="posts"),
        argument="",
        language=language,  # type: ignore[arg-type]
        network=BEST_SERVICE,
        registry=RoleRegistry((BEST_SERVICE,)),
        today=date(2026, 3, 12),
    )


async def test_the_overview_says_what_is_coming_retrying_and_stuck_in_english(
    sqlite_database: Database,
) -> None:
    outbox = Outbox(sqlite_database)
    await outbox.enqueue(
        [
            post("retrying", "maltider", text="Meals agenda"),
            post("refused", text="**Logistics** agenda"),
            general_post("no-channel", text="Budget deadline"),
            post("other-network", network="erad"),
        ],
        START,
    )
    for entry in await outbox.claim_due("w1", START, 10, LEASE):
        if entry.key == "retrying":
            await outbox.mark_retry(
                entry.key, START + timedelta(minutes=2), "503 ServiceUnavailable", worker_id="w1"
            )
        elif entry.key == "refused":
            await outbox.mark_failed(entry.key, "400 BadArgument", worker_id="w1")
        elif entry.key == "no-channel":
            await outbox.mark_undeliverable(entry.key, "no channel bound", worker_id="w1")
    planner = FixedPlanner(
        [post("next-week", due_at=START + timedelta(days=7), text="Logistics meeting next week")]
    )

    (reply,) = await PostsOverview(outbox, [planner], FixedClock()).handle(request("en"))

    assert reply.language == "en"
    assert reply.text == (
        "**Posts in Best Service**\n\n"
        "**Upcoming**\n"
        "- Thu 19 March 09:00 · Logistics · Logistics meeting next week\n\n"
        "**Waiting to be retried**\n"
        "- Thu 12 March 09:00 · Meals · Meals agenda — retry Thu 12 March 09:02 "
        "(503 ServiceUnavailable)\n\n"
        "**Could not be sent**\n"
        "- Thu 12 March 09:00 · Logistics · Logistics agenda — Teams answered 400 BadArgument\n"
        "- Thu 12 March 09:00 · General · Budget deadline — no channel is linked; add the bot "
        "to the team or link the channel"
    )
    assert reply.card is not None and reply.card["type"] == "AdaptiveCard"


async def test_an_empty_overview_says_so(sqlite_database: Database) -> None:
    (reply,) = await PostsOverview(Outbox(sqlite_database), [], FixedClock()).handle(request("sv"))

    assert "Inga utskick planerade de närmaste 7 dagarna och inget missat." in reply.text


async def test_a_long_list_is_cut_and_counted(sqlite_database: Database) -> None:
    planner = FixedPlanner(
        [post(f"agenda:{n}", due_at=START + timedelta(hours=12 * (n + 1))) for n in range(10)]
    )

    (reply,) = await PostsOverview(Outbox(sqlite_database), [planner], FixedClock()).handle(
        request("sv")
    )

    lines = [line for line in reply.text.splitlines() if line.startswith("- ")]
    assert len(lines) == 9
    assert lines[0].startswith("- tors 12 mars 21:00 · Logistik · Påminnelse agenda:0")
    assert lines[-1] == "- … och 2 till"


def test_a_post_sent_on_another_day_states_the_days_as_they_are_then_in_both_languages():
    fact = {"title": "Senast", "value": "fredag 30 oktober 2026 (om 7 dagar)"}
    card = {"type": "AdaptiveCard", "body": [{"type": "FactSet", "facts": [fact]}]}
    swedish = post(
        "wheel:x:7d",
        due_at=datetime(2026, 10, 23, 7, 0, tzinfo=UTC),
        text="Årshjulet: Budget – senast fredag 30 oktober 2026 (om 7 dagar).",
        card=card,
        countdown=Countdown(date(2026, 10, 30), "om 7 dagar"),
    )
    english = replace(
        swedish,
        language="en",
        text="Annual wheel: Budget – by Friday 30 October 2026 (in 7 days).",
        card=None,
        countdown=Countdown(date(2026, 10, 30), "in 7 days"),
    )

    on_time = as_sent(swedish, datetime(2026, 10, 23, 7, 0, tzinfo=UTC), late=False)
    monday = as_sent(swedish, datetime(2026, 10, 26, 9, 0, tzinfo=UTC), late=True)
    day_after = as_sent(english, datetime(2026, 10, 31, 0, 5, tzinfo=UTC), late=True)

    assert on_time == swedish
    assert monday.text.startswith("Årshjulet: Budget – senast fredag 30 oktober 2026 (om 4 dagar).")
    assert "_Skickas sent: det skulle ha kommit fre 23 oktober 09:00._" in monday.text
    assert "fredag 30 oktober 2026 (om 4 dagar)" in str(monday.card)
    assert "om 7 dagar" not in str(monday.card)
    assert day_after.text.startswith(
        "Annual wheel: Budget – by Friday 30 October 2026 (yesterday)."
    )
