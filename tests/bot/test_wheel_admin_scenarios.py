"""Scenario: an admin changes, pauses and resets annual-wheel entries by card.

Through the running bot and the loopback connector, on the shipped Best Service data
with Anna (by her Entra object id) as admin; Bo is a plain member. The bot runs on the
real clock, so expected dates are worked out from today.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from domain.recurrence import STOCKHOLM, shifted
from storage.audit import AuditLog
from storage.database import Database
from storage.wheel_overrides import WheelOverrideStore
from tests.bot.conftest import shipped_networks
from tests.bot.teams_activities import MEMBER, USER, card_submit, channel_message
from tests.bot.test_meeting_scenarios import bind_channel, card_of
from tests.manifest.card_schema import validate_card
from texts import meetings as mt

BUDGET = "Budget för kommande år inför årsmötet i november"
PLAN = "Aktivitetsplan för kommande år klar"
EDIT_BUDGET = {"action": "wheel.edit", "network": "bestservice", "rule": "budget", "lang": "sv"}


@pytest.fixture
def settings(settings, tmp_path):
    networks = shipped_networks(tmp_path, ["bestservice.yaml"])
    return dataclasses.replace(settings, networks_dir=networks, scheduler_interval_seconds=0)


@pytest.fixture
async def stored(bot):
    database = Database(bot.settings.database_url)
    await bind_channel(bot, "bestservice", "logistik")
    yield WheelOverrideStore(database), AuditLog(database)
    await database.close()


def said(connector, text: str, *, sender=USER):
    return channel_message(connector.service_url, text, **{"from": dict(sender)})


def rows(card: dict) -> list[tuple[str, str, dict | None]]:
    """(date, what, edit button data) of each row of the wheel card."""
    found = []
    for element in card["body"]:
        if element["type"] != "ColumnSet":
            continue
        columns = element["columns"]
        button = (
            columns[2]["items"][0]["actions"][0]["data"] if len(columns) > 2 else None
        )
        found.append((columns[0]["items"][0]["text"], columns[1]["items"][0]["text"], button))
    return found


def next_day(month: int, day: int) -> date:
    """The next (shifted) date of a yearly entry on `day` `month`, from today."""
    today = datetime.now(STOCKHOLM).date()
    nominal = date(today.year, month, day)
    if shifted(nominal, "previous_working_day") < today:
        nominal = date(today.year + 1, month, day)
    return shifted(nominal, "previous_working_day")


async def test_admins_see_edit_buttons_on_the_wheel_and_members_do_not(bot, connector, stored):
    await bot.post(said(connector, "årshjul"))
    await bot.post(said(connector, "årshjul", sender=MEMBER))

    admin, member = await connector.wait_for_activities(2)
    admin_card, member_card = card_of(admin), card_of(member)
    validate_card(admin_card)
    assert all(button and button["action"] == "wheel.edit" for _, _, button in rows(admin_card))
    assert ("wheel.entries", "Ändra årshjulet") in [
        (a["data"].get("action"), a["title"]) for a in admin_card["actions"]
    ]
    assert all(button is None for _, _, button in rows(member_card))
    assert "wheel.entries" not in str(member_card["actions"])

    entries = next(a for a in admin_card["actions"] if a["data"].get("action") == "wheel.entries")
    await bot.post(card_submit(connector.service_url, entries["data"]))
    listing = card_of((await connector.wait_for_activities(3))[2])
    validate_card(listing)
    listed = [c["columns"][0]["items"][0]["text"] for c in listing["body"][2:]]
    # Every entry, checks without a date right now included.
    assert len(listed) == 7 and "Utse kontaktperson och ordförande för nästa år" in listed


async def test_an_admin_moves_an_entry_and_the_wheel_shows_the_new_date(bot, connector, stored):
    overrides, audit = stored
    await bot.post(card_submit(connector.service_url, EDIT_BUDGET))
    (form,) = await connector.wait_for_activities(1)
    card = card_of(form)
    validate_card(card)
    inputs = {e["id"]: e.get("value") for e in card["body"] if e["type"].startswith("Input.")}
    assert inputs == {
        "months": "11",
        "day": "1",
        "lead_days": "30, 7, 0",
        "target": "each_group",
        "responsible": "ekonomiansvarig",
        "paused": "",
    }
    save = card["actions"][0]["data"]

    moved_form = {**inputs, "months": "10", "day": "15", "lead_days": "14,0"}
    await bot.post(card_submit(connector.service_url, save, **moved_form))
    await bot.post(said(connector, "årshjul"))

    _, saved, wheel = await connector.wait_for_activities(3)
    moved = next_day(10, 15)
    assert saved.visible_text.startswith(f"{BUDGET}\n\nSparat. ”{BUDGET}” gäller nu så här")
    assert f"Nästa datum: {mt.format_day(moved, 'sv')}" in saved.visible_text
    budget_rows = [(day, what) for day, what, _ in rows(card_of(wheel)) if what == BUDGET]
    assert budget_rows == [(mt.format_compact_day(moved, "sv"), BUDGET)]

    stored_override = (await overrides.for_network("bestservice"))["budget"]
    assert (stored_override.months, stored_override.day) == ((10,), 15)
    assert stored_override.lead_days == (14, 0)
    assert stored_override.target is None  # unchanged fields stay the data file's
    (entry,) = [e for e in await audit.entries(network_key="bestservice")
                if e.action == "wheel.override"]  # fmt: skip
    assert entry.actor == USER["aadObjectId"] and entry.subject == "wheel budget"
    assert (entry.before["rrule"], entry.after["rrule"]) == (
        "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=1",
        "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=15",
    )
    assert (entry.before["lead_days"], entry.after["lead_days"]) == ([30, 7, 0], [14, 0])


async def test_a_member_is_refused_and_nothing_is_stored(bot, connector, stored):
    overrides, audit = stored
    save = {**EDIT_BUDGET, "action": "wheel.save", "months": "10", "day": "15",
            "lead_days": "0", "target": "general", "responsible": "-", "paused": ""}  # fmt: skip

    await bot.post(card_submit(connector.service_url, EDIT_BUDGET, sender=MEMBER))
    await bot.post(card_submit(connector.service_url, save, sender=MEMBER))

    for reply in await connector.wait_for_activities(2):
        assert reply.visible_text.startswith(
            "Tyvärr, årshjulet kan bara nätverkets administratörer och teamets ägare ändra."
        )
    assert await overrides.all() == {}
    assert not [e for e in await audit.entries() if e.action.startswith("wheel.")]


async def test_a_wrong_form_says_what_is_wrong_and_stores_nothing(bot, connector, stored):
    overrides, _ = stored
    save = {**EDIT_BUDGET, "action": "wheel.save", "months": "9", "day": "31",
            "lead_days": "30, sju", "target": "each_group", "responsible": "ordforande",
            "paused": ""}  # fmt: skip

    await bot.post(card_submit(connector.service_url, save))

    (reply,) = await connector.wait_for_activities(1)
    assert reply.visible_text == (
        "Jag kunde inte spara: september har inte 31 dagar (välj ”sista dagen” för månadens "
        "sista dag); ange påminnelsedagarna som heltal 0–365 med kommatecken emellan, högst "
        "fem. Inget har ändrats; rätta och spara igen."
    )
    assert await overrides.all() == {}


async def test_a_paused_entry_leaves_the_wheel_page_and_a_reset_brings_it_back(
    bot, connector, stored
):
    overrides, audit = stored
    year = datetime.now(STOCKHOLM).year
    edit = {**EDIT_BUDGET, "rule": "aktivitetsplan"}
    await bot.post(card_submit(connector.service_url, edit))
    (form,) = await connector.wait_for_activities(1)
    card = card_of(form)
    inputs = {e["id"]: e.get("value") for e in card["body"] if e["type"].startswith("Input.")}
    years = [c["value"] for c in card["body"][-1]["choices"]]
    assert years == [str(year), str(year + 1)]

    paused_form = {**inputs, "paused": f"{year},{year + 1}"}
    await bot.post(card_submit(connector.service_url, card["actions"][0]["data"], **paused_form))
    async with bot.http.get(f"{bot.base_url}/wheel", params={"network": "bestservice"}) as page:
        paused_page = await page.text()
    (saved,) = (await connector.wait_for_activities(2))[1:]
    (facts,) = [e["facts"] for e in card_of(saved)["body"] if e["type"] == "FactSet"]
    assert {"title": "Pausad", "value": f"{year}, {year + 1}"} in facts
    assert "Inga datum det närmaste året." in saved.visible_text
    assert PLAN not in paused_page

    reset = [a for a in card_of(saved)["actions"] if a["data"].get("action") == "wheel.edit"]
    await bot.post(card_submit(connector.service_url, reset[0]["data"]))
    (again,) = (await connector.wait_for_activities(3))[2:]
    back = card_of(again)["actions"][1]
    assert back["title"] == "Återställ till datafilens regel"
    await bot.post(card_submit(connector.service_url, back["data"]))
    async with bot.http.get(f"{bot.base_url}/wheel", params={"network": "bestservice"}) as page:
        restored_page = await page.text()

    (done,) = (await connector.wait_for_activities(4))[3:]
    assert f"”{PLAN}” följer datafilens regel igen." in done.visible_text
    assert PLAN in restored_page
    assert await overrides.all() == {}
    assert [e.action for e in await audit.entries(network_key="bestservice")][:2] == [
        "wheel.reset",
        "wheel.override",
    ]
