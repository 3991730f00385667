"""Sentences of the audit log in chat ("logg" / "audit"), Swedish and English side by side."""

from __future__ import annotations

from domain.registry import Localized

LOG: dict[str, Localized[str]] = {
    "title": Localized(sv="Senaste ändringarna i {network}", en="Latest changes in {network}"),
    "empty": Localized(
        sv="Inga ändringar är loggade för {network} ännu.",
        en="No changes are logged for {network} yet.",
    ),
    "refused": Localized(
        sv="Tyvärr, ändringsloggen kan bara nätverkets administratörer se. Fråga en "
        "administratör om du behöver veta vem som ändrade något.",
        en="Sorry, only the network's administrators can see the change log. Ask an "
        "administrator if you need to know who changed something.",
    ),
    "more": Localized(
        sv="Hela loggen: `python app.py audit --network {key}` på servern.",
        en="The whole log: `python app.py audit --network {key}` on the server.",
    ),
    "cli": Localized(sv="kommandoraden ({login})", en="the command line ({login})"),
    "teams": Localized(sv="Teams", en="Teams"),
    "system": Localized(sv="boten", en="the bot"),
    "unknown": Localized(sv="okänd", en="unknown"),
}
"""The log's title, its refusal and footer, and who made a change (`cli`, and the actors
`storage.audit` records as `teams` and `system`)."""

ACTIONS: dict[str, Localized[str]] = {
    "registry.seed": Localized(sv="läste in registret", en="loaded the registry"),
    "registry.import": Localized(sv="importerade registret", en="imported the registry"),
    "registry.reload": Localized(sv="läste om registret", en="reloaded the registry"),
    "meeting.add": Localized(sv="lade till ett möte", en="added a meeting"),
    "meeting.move": Localized(sv="flyttade ett möte", en="moved a meeting"),
    "meeting.cancel": Localized(sv="ställde in ett möte", en="cancelled a meeting"),
    "agenda.add_item": Localized(sv="lade till en punkt", en="added an agenda item"),
    "roles.set": Localized(sv="ändrade innehavarna av en roll", en="changed a role's holders"),
    "binding.set": Localized(sv="kopplade en kanal", en="linked a channel"),
    "binding.remove": Localized(sv="tog bort en kanalkoppling", en="unlinked a channel"),
    "wheel.override": Localized(sv="ändrade en årshjulspost", en="changed an annual-wheel entry"),
    "wheel.reset": Localized(sv="återställde en årshjulspost", en="reset an annual-wheel entry"),
    "person.erase": Localized(sv="raderade en persons uppgifter", en="erased a person's data"),
    "calendar.link": Localized(
        sv="skapade en prenumerationslänk till kalendern", en="made a calendar subscription link"
    ),
    "calendar.revoke": Localized(
        sv="återkallade en prenumerationslänk till kalendern",
        en="revoked a calendar subscription link",
    ),
}
"""What a change did, by its recorded action; an action not listed shows by its key."""
