"""Sentences about scheduled posts, Swedish and English side by side: the "utskick"
overview (`dialogs.posts`) and the note on a post sent late (`views.posts`)."""

from __future__ import annotations

from domain.registry import Localized

OVERVIEW: dict[str, Localized[str]] = {
    "title": Localized(sv="Utskick i {network}", en="Posts in {network}"),
    "upcoming": Localized(sv="Kommande", en="Upcoming"),
    "retrying": Localized(sv="Väntar på nytt försök", en="Waiting to be retried"),
    "late": Localized(sv="Skickade sent", en="Sent late"),
    "missed": Localized(sv="Missade (skickades inte)", en="Missed (not sent)"),
    "superseded": Localized(
        sv="Ersatta av en nyare påminnelse (skickades inte)",
        en="Replaced by a newer reminder (not sent)",
    ),
    "failed": Localized(sv="Kunde inte skickas", en="Could not be sent"),
    "nothing": Localized(
        sv="Inga utskick planerade de närmaste {days} dagarna och inget missat.",
        en="No posts planned for the next {days} days and nothing missed.",
    ),
    "more": Localized(sv="… och {count} till", en="… and {count} more"),
    "retry_at": Localized(sv="nytt försök {when} ({error})", en="retry {when} ({error})"),
    "sent_at": Localized(sv="skickat {when}", en="sent {when}"),
    "no_channel": Localized(
        sv="ingen kanal är kopplad; lägg till boten i teamet eller koppla kanalen",
        en="no channel is linked; add the bot to the team or link the channel",
    ),
    "gone": Localized(
        sv="boten finns inte längre i kanalen; lägg till den igen så skickas det som går",
        en="the bot is no longer in the channel; add it again and what still can be sent will be",
    ),
    "refused": Localized(sv="Teams svarade {error}", en="Teams answered {error}"),
    "personally": Localized(sv="personligt till {name}", en="personally to {name}"),
    "no_personal_chat": Localized(
        sv="{name} nås inte i personlig chatt: appen är inte installerad för hen; be hen "
        "öppna boten i Teams",
        en="{name} cannot be reached in personal chat: the app is not installed for them; "
        "ask them to open the bot in Teams",
    ),
}
"""The "utskick" / "posts" overview: its title, section headings and the reasons a post
was not sent."""

LATE_NOTE = Localized(
    sv="_Skickas sent: det skulle ha kommit {when}._",
    en="_Sent late: it was due {when}._",
)
"""Added to a post sent well after its time (after downtime); `{when}` is when it was due."""
