"""Every sentence the bot shows, Swedish and English side by side, one module per feature.

A translator or writer edits this package only:

- `common`: greeting, help, errors, the contact card's mail button
- `who`: answers to "who do I contact?"
- `calendar`: month and weekday names (the one definition every date uses)
- `meetings`: agendas, meetings, the annual wheel, and how dates and times are written
- `minutes`: minutes filing and chasing
- `roles`: role-holder administration
- `wheel_admin`: changing annual-wheel entries from chat
- `posts`: the "utskick" overview and the note on a post sent late
- `audit`: the audit log in chat ("logg")
- `installation`: the welcome card and the channel mapping
- `calendar_feed`: the subscribed calendar (.ics)
- `tab_pages`: the Teams tab pages and the terms of use
- `edge`: what the Teams edge says on its own (welcome, apology, refused file)
- `markdown`: escaping values for Teams' markdown

Not here: the words a user types to trigger a command (each `Command` in `dialogs/`, the
matcher's words in `services/`), and the one sentence storage writes itself
(`domain.posts.CLEARED_POST`, since storage sits below this package).
"""
