"""Sentences of installing the bot in a team, Swedish and English side by side: the welcome
card, the channel mapping ("kanaler" / "channels") and its edit form, and the replies to
saving it."""

from __future__ import annotations

from domain.registry import Localized

TEXTS: dict[str, Localized[str]] = {
    "title": Localized(sv="Hej {team}!", en="Hello {team}!"),
    "intro": Localized(
        sv="Jag är samverkansboten för **{network}**. Jag postar påminnelser om gruppernas "
        "möten och årshjulets datum i gruppernas kanaler, och svarar på vem ni ska kontakta: "
        "nämn mig med @ i en kanal. Skriv ”utskick” för att se vad som är planerat. "
        "*I answer in English too: just ask in English.*",
        en="I am the collaboration bot for **{network}**. I post reminders of the groups' "
        "meetings and the annual wheel's dates in the groups' channels, and answer who to "
        'contact: @mention me in a channel. Type "posts" to see what is planned. '
        "*Jag svarar också på svenska.*",
    ),
    "mapping": Localized(sv="Så här har jag kopplat kanalerna", en="How I linked the channels"),
    "whole_network": Localized(sv="hela nätverket", en="the whole network"),
    "group": Localized(sv="gruppen {group}", en="the group {group}"),
    "unbound": Localized(
        sv="ingen grupp (frågor här gäller hela nätverket)",
        en="no group (questions here are about the whole network)",
    ),
    "groups_without_channel": Localized(
        sv="Grupper utan egen kanal: {groups}. Deras påminnelser postas när en kanal med "
        "gruppens namn finns.",
        en="Groups without a channel of their own: {groups}. Their reminders are posted once "
        "a channel with the group's name exists.",
    ),
    "default_network": Localized(
        sv="Teamets namn liknade inget nätverk, så jag utgick från {network}.",
        en="The team's name matched no network, so I assumed {network}.",
    ),
    "confirm": Localized(sv="Det stämmer", en="That's right"),
    "change": Localized(sv="Ändra", en="Change"),
    "edit_title": Localized(sv="Ändra kanalkopplingen", en="Change the channel links"),
    "edit_intro": Localized(
        sv="Välj vad varje kanal i teamet hör till. Allmänt gäller alltid hela nätverket. "
        "Inget ändras förrän du sparar.",
        en="Choose what each of the team's channels belongs to. General is always the whole "
        "network. Nothing changes until you save.",
    ),
    "network_label": Localized(sv="Teamets nätverk", en="The team's network"),
    "network_note": Localized(
        sv="Byter du nätverk kopplas kanalerna om efter sina namn i det nya nätverket (du kan "
        "justera dem efteråt). Det kräver att du är administratör i båda nätverken.",
        en="If you change the network, the channels are linked again by their names in the new "
        "network (you can adjust them afterwards). It needs admin rights in both networks.",
    ),
    "no_group": Localized(sv="ingen grupp", en="no group"),
    "declared": Localized(sv="kanalen {channel}", en="the channel {channel}"),
    "save": Localized(sv="Spara", en="Save"),
    "not_in_team": Localized(
        sv="Kanalkopplingen gäller ett team: skriv ”kanaler” i en av teamets kanaler.",
        en='Channel links belong to a team: type "channels" in one of its channels.',
    ),
    "not_installed": Localized(
        sv="Jag känner inte till det här teamets kanaler ännu. Ta bort mig från teamet och "
        "lägg till mig igen, så listar jag dem.",
        en="I do not know this team's channels yet. Remove me from the team and add me again, "
        "and I will list them.",
    ),
    "not_admin": Localized(
        sv="Tyvärr, kanalkopplingen kan bara teamets ägare och nätverkets administratörer "
        "ändra. Inget har ändrats.",
        en="Sorry, only the team's owners and the network's admins may change the channel "
        "links. Nothing was changed.",
    ),
    "not_admin_target": Localized(
        sv="Tyvärr, du är inte administratör i {network}, så teamet kan inte flyttas dit. "
        "Inget har ändrats.",
        en="Sorry, you are not an admin of {network}, so the team cannot be moved there. "
        "Nothing was changed.",
    ),
    "gone": Localized(
        sv="Kanalen {channels} finns inte längre i teamet, så jag har inte ändrat något. "
        "Här är formuläret som teamet ser ut nu.",
        en="The channel {channels} is no longer in the team, so I changed nothing. Here is "
        "the form as the team is now.",
    ),
    "moved_meanwhile": Localized(
        sv="Teamets nätverk ändrades medan formuläret var öppet, så jag har inte ändrat något. "
        "Här är formuläret som det är nu.",
        en="The team's network changed while the form was open, so I changed nothing. Here is "
        "the form as it is now.",
    ),
    "bad_choice": Localized(
        sv="{choice} finns inte i {network}, så jag har inte ändrat något.",
        en="{choice} is not in {network}, so I changed nothing.",
    ),
    "twice": Localized(
        sv="{target} kan bara höra till en kanal, men du valde den för {channels}. Inget har "
        "ändrats; välj en av dem och spara igen.",
        en="{target} can belong to one channel only, but you chose it for {channels}. Nothing "
        "was changed; choose one of them and save again.",
    ),
    "saved": Localized(
        sv="Klart! Ändrade kopplingar: {count}. Påminnelser och årshjulsdatum går nu till "
        "kanalerna nedan.",
        en="Done! Links changed: {count}. Reminders and annual-wheel dates now go to the "
        "channels below.",
    ),
    "unchanged": Localized(
        sv="Inget att ändra: kanalerna var redan kopplade så.",
        en="Nothing to change: the channels were linked like that already.",
    ),
    "network_changed": Localized(
        sv="Teamet hör nu till {network}. Kanalerna kopplades efter sina namn; stämmer det "
        "inte, ändra dem här nedan.",
        en="The team now belongs to {network}. The channels were linked by their names; if "
        "that is not right, change them below.",
    ),
    "current": Localized(sv="Så här är kanalerna kopplade", en="How the channels are linked"),
    "confirmed": Localized(
        sv="Tack! Kopplingen gäller. Påminnelser och årshjulsdatum postas i kanalerna ovan.",
        en="Thank you! The links stand. Reminders and annual-wheel dates go to the channels "
        "above.",
    ),
}
