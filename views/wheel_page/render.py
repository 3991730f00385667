"""The annual-wheel page as HTML: the ring (inline SVG), the list of dates, the page.

The document, its body and a line of the list are templates (`assets`); what is built
here is what depends on the data: the ring's geometry, and markup that a date has or
lacks. Every text from data is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from urllib.parse import urlencode

from domain.registry import Language
from texts.wheel_page import (
    KIND_NAMES,
    MONTHS_SHORT,
    capitalized,
    format_date,
    format_day,
    month_name,
    relative_day,
    text,
    wheel_year_label,
)
from views.wheel_page import assets
from views.wheel_page.geometry import (
    CENTER,
    LANE_RADII,
    MARK_EXTENT,
    R_HUB,
    R_INNER,
    R_LABEL_BOTTOM,
    R_LABEL_TOP,
    R_OUTER,
    SIZE,
    PlacedEntry,
    annulus_sector,
    day_angle,
    merge_channels,
    month_index,
    place_entries,
    point,
    wheel_months,
    xy,
)
from views.wheel_page.model import KINDS, PLACE_LANGUAGE, EntryKind, Theme, WheelEntry, WheelPage


def _season(month: int) -> str:
    return {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
            6: "summer", 7: "summer", 8: "summer"}.get(month, "autumn")  # fmt: skip


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _mark_shape(kind: EntryKind) -> str:
    """The mark's shape, centred on 0 0: a diamond, a circle or a rounded square.

    Each reaches 11.5 units from its centre at most; the 2-unit outline adds one more
    (MARK_EXTENT).
    """
    if kind == "deadline":
        return '<path class="shape" d="M0 -11.5 L11.5 0 L0 11.5 L-11.5 0 Z"/>'
    if kind == "meeting":
        return '<circle class="shape" r="10.5"/>'
    return '<rect class="shape" x="-8.5" y="-8.5" width="17" height="17" rx="3"/>'


def _icon(classes: str, content: str) -> str:
    """A small decorative SVG in the text, 30 units square, centred on 0 0."""
    return (
        f'<svg class="{classes}" xmlns="http://www.w3.org/2000/svg" viewBox="-15 -15 30 30" '
        f'aria-hidden="true" focusable="false">{content}</svg>'
    )


def _badge(kind: EntryKind, label: str, extra_class: str = "") -> str:
    """The list's copy of a mark: same shape, colour and number, for sighted readers."""
    return _icon(
        f"badge kind-{kind} {extra_class}".strip(),
        f'{_mark_shape(kind)}<text class="num" dy="0.35em">{escape(label)}</text>',
    )


def _two_lines(words_text: str, widths: tuple[int, int]) -> tuple[str, str]:
    """`words_text` wrapped into at most two lines of about `widths` characters, cut with "…"."""
    words = words_text.split()
    lines = ["", ""]
    taken = 0
    for line, width in enumerate(widths):
        while taken < len(words):
            candidate = f"{lines[line]} {words[taken]}".strip()
            if len(candidate) > width and lines[line]:
                break
            lines[line] = candidate
            taken += 1
    for line, width in enumerate(widths):
        if len(lines[line]) > width:
            lines[line] = lines[line][: width - 1].rstrip() + "…"
    if taken < len(words) and not lines[1].endswith("…"):
        lines[1] = lines[1][: widths[1] - 1].rstrip() + "…"
    return lines[0], lines[1]


def _sector(index: int, first_day: date, current: bool, elapsed: bool, language: Language) -> str:
    """One month's sector of the band, tinted by season, with its name along the arc.

    Names on the lower half run along a reversed arc so that they read upright. An
    elapsed month's band fades; its name keeps its contrast.
    """
    a0, a1 = index * 30.0, (index + 1) * 30.0
    classes = (
        f"sector season-{_season(first_day.month)}"
        + (" current" if current else "")
        + (" elapsed" if elapsed else "")
    )
    if 90 < (a0 + a1) / 2 < 270:
        r = R_LABEL_BOTTOM
        arc = f"M{xy(a1 - 1, r)} A{r} {r} 0 0 0 {xy(a0 + 1, r)}"
    else:
        r = R_LABEL_TOP
        arc = f"M{xy(a0 + 1, r)} A{r} {r} 0 0 1 {xy(a1 - 1, r)}"
    return (
        f'<g class="{classes}" data-month="{_month_key(first_day)}" data-index="{index}">'
        f'<path class="band" d="{annulus_sector(a0, a1, R_INNER, R_OUTER)}"/>'
        f'<path id="month-arc-{index}" class="arc" d="{arc}"/>'
        f'<text class="month-label"><textPath href="#month-arc-{index}" startOffset="50%" '
        f'text-anchor="middle">{escape(month_name(first_day.month, language))}</textPath></text>'
        "</g>"
    )


def _ring_svg(page: WheelPage, placed: list[PlacedEntry], start: date) -> str:
    language = page.language
    months = wheel_months(start)
    today_month = month_index(start, page.today)
    today_angle = day_angle(start, page.today) if today_month is not None else None
    # A page served after its year has ended (nobody has rolled the wheel on yet).
    after_window = today_month is None and page.today > start
    year = wheel_year_label(start)
    title = f"{text('wheel', language)} {year} – {page.network_name}"
    today_sentence = (
        text("ring_today", language, date=format_date(page.today, language))
        if today_angle is not None
        else ""
    )
    desc = text(
        "ring_desc",
        language,
        first=month_name(start.month, language),
        count=len(placed),
        today=today_sentence,
    )
    # A labelled group rather than role="img": an image may not hold links (WCAG 4.1.2).
    # The drawing is hidden from assistive technology; the marks are a list of links to
    # the lines of the date list, in date order, reachable with Tab.
    parts = [
        f'<svg class="ring" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        'role="group" aria-labelledby="ring-title" aria-describedby="ring-desc">',
        f'<title id="ring-title">{escape(title)}</title>',
        f'<desc id="ring-desc">{escape(desc)}</desc>',
        '<g class="drawing" aria-hidden="true">',
        f'<circle class="track" cx="{CENTER}" cy="{CENTER}" r="{R_INNER}"/>',
    ]
    # The part of the year already behind us, greyed over the track.
    elapsed = 360.0 if after_window else (today_angle or 0.0)
    if elapsed >= 0.5:
        sector = annulus_sector(0, min(elapsed, 359.99), R_HUB, R_INNER)
        parts.append(f'<path class="elapsed-track" d="{sector}"/>')
    # Months already over fade; the current month stays bright (the needle shows the day).
    done_months = 12 if after_window else (today_month or 0)
    parts += [
        _sector(index, first_day, index == today_month, index < done_months, language)
        for index, first_day in enumerate(months)
    ]
    for index in range(12):
        angle = index * 30.0
        year_change = months[index].month == 1 and index > 0
        parts.append(
            f'<line class="divider" x1="{point(angle, R_HUB + 6)[0]:.1f}" '
            f'y1="{point(angle, R_HUB + 6)[1]:.1f}" x2="{point(angle, R_INNER)[0]:.1f}" '
            f'y2="{point(angle, R_INNER)[1]:.1f}"/>'
        )
        if year_change:
            x1, y1 = point(angle, R_INNER)
            x2, y2 = point(angle, R_OUTER + 8)
            parts.append(
                f'<line class="year-divider" x1="{x1:.1f}" y1="{y1:.1f}" '
                f'x2="{x2:.1f}" y2="{y2:.1f}"/>'
            )
            x, y = point(angle + 1.5, R_OUTER + 14)
            parts.append(
                f'<text class="year-tag" x="{x:.1f}" y="{y:.1f}" '
                f'text-anchor="{"start" if angle < 180 else "end"}" dy="0.35em">'
                f"{months[index].year}</text>"
            )
    # Stems from the exact day on the ring's inner edge to each mark, then the marks.
    for item in placed:
        x1, y1 = point(item.angle, R_INNER + 5)
        x2, y2 = point(item.mark_angle, LANE_RADII[item.lane])
        parts.append(
            f'<line class="stem kind-{item.entry.kind}" x1="{x1:.1f}" y1="{y1:.1f}" '
            f'x2="{x2:.1f}" y2="{y2:.1f}"/>'
        )
    if today_angle is not None:
        parts.append(_needle(today_angle, page.today, language))
    parts.append(_hub(page, placed, year, today_angle is not None))
    parts.append("</g>")
    if placed:
        list_name = escape(text("dates", language))
        parts.append(f'<g class="marks" role="list" aria-label="{list_name}">')
    for item in placed:
        entry = item.entry
        x, y = point(item.mark_angle, LANE_RADII[item.lane])
        state = _entry_state(item.entries, page.today)
        channels = ", ".join(e.channel_name for e in item.entries if e.channel_name)
        label = (
            f"{item.number}. {format_day(entry.when, language)}, "
            f"{KIND_NAMES[entry.kind].get(language)[0]}: {entry.title}"
            + (f" ({channels})" if channels else "")
        )
        # The inner group is what grows with the text on a small ring (see wheel.css);
        # the focus ring shows only while the mark has keyboard focus.
        parts.append(
            '<g role="listitem">'
            f'<a class="mark kind-{entry.kind}{state}" href="#entry-{item.number}" '
            f'data-entry="{item.number}" data-month="{_month_key(entry.when)}" '
            f'data-date="{entry.when.isoformat()}" data-kind="{entry.kind}">'
            f"<title>{escape(label)}</title>"
            f'<g transform="translate({x:.1f} {y:.1f})"><g class="glyph">'
            f'<circle class="focus-ring" r="{MARK_EXTENT + 3}"/>{_mark_shape(entry.kind)}'
            f'<text class="num" dy="0.35em">{item.number}</text></g></g></a></g>'
        )
    if placed:
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _needle(angle: float, today: date, language: Language) -> str:
    """Today: a needle across the track, a pointer on the rim and a label outside it.

    The needle stops at the month band so that it never crosses the month's name; it is
    drawn under the marks so that a mark on today stays readable.
    """
    x1, y1 = point(angle, R_HUB)
    x2, y2 = point(angle, R_INNER)
    tip = xy(angle, R_OUTER - 2)
    left, right = xy(angle - 1.6, R_OUTER + 9), xy(angle + 1.6, R_OUTER + 9)
    tx, ty = point(angle, R_OUTER + 24)
    label = text("today", language)
    width = 16 + 8.2 * len(label)
    return (
        f'<g class="today" data-date="{today.isoformat()}">'
        f'<line class="needle" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'
        f'<circle class="needle-hub" cx="{x1:.1f}" cy="{y1:.1f}" r="4"/>'
        f'<path class="needle-tip" d="M{tip} L{left} L{right} Z"/>'
        f'<g class="today-tag"><rect class="today-pill" x="{tx - width / 2:.1f}" '
        f'y="{ty - 11:.1f}" width="{width:.1f}" height="22" rx="11"/>'
        f'<text class="today-label" x="{tx:.1f}" y="{ty:.1f}" text-anchor="middle" '
        f'dy="0.35em">{escape(label)}</text></g></g>'
    )


def _hub(page: WheelPage, placed: list[PlacedEntry], year: str, has_today: bool) -> str:
    """The centre disc: the wheel's year, today's date and what comes next."""
    language = page.language
    parts = [
        f'<g class="hub"><circle class="hub-disc" cx="{CENTER}" cy="{CENTER}" r="{R_HUB}"/>',
        '<g class="hub-text">',
        f'<text class="hub-kicker" x="{CENTER}" y="{CENTER - 58}" text-anchor="middle">'
        f"{escape(text('wheel', language))}</text>",
        f'<text class="hub-year" x="{CENTER}" y="{CENTER - 24}" text-anchor="middle">'
        f"{escape(year)}</text>",
    ]
    if has_today:
        today_text = (
            f"{text('today', language)} {page.today.day} "
            f"{MONTHS_SHORT.get(language)[page.today.month - 1]}"
        )
        parts.append(
            f'<text class="hub-today" x="{CENTER}" y="{CENTER + 2}" text-anchor="middle">'
            f"{escape(today_text)}</text>"
        )
        upcoming = next((item for item in placed if item.entry.when >= page.today), None)
        parts.append(
            f'<line class="hub-rule" x1="{CENTER - 34}" y1="{CENTER + 17}" '
            f'x2="{CENTER + 34}" y2="{CENTER + 17}"/>'
        )
        if upcoming is None:
            parts.append(
                f'<text class="hub-next-title" x="{CENTER}" y="{CENTER + 44}" '
                f'text-anchor="middle">{escape(text("nothing_next", language))}</text>'
            )
        else:
            entry = upcoming.entry
            when = (
                f"{entry.when.day} {MONTHS_SHORT.get(language)[entry.when.month - 1]} · "
                f"{relative_day(entry.when, page.today, language)}"
            )
            first, second = _two_lines(entry.title, (26, 20))
            parts.append(
                f'<text class="hub-kicker" x="{CENTER}" y="{CENTER + 36}" text-anchor="middle">'
                f"{escape(text('next', language))} · {upcoming.number}</text>"
                f'<text class="hub-next-when kind-{entry.kind}" x="{CENTER}" y="{CENTER + 54}" '
                f'text-anchor="middle">{escape(when)}</text>'
                f'<text class="hub-next-title" x="{CENTER}" y="{CENTER + 72}" '
                f'text-anchor="middle">{escape(first)}</text>'
            )
            if second:
                parts.append(
                    f'<text class="hub-next-title" x="{CENTER}" y="{CENTER + 88}" '
                    f'text-anchor="middle">{escape(second)}</text>'
                )
    parts.append("</g></g>")
    return "".join(parts)


def _in_language(value: str, value_language: Language, page_language: Language) -> str:
    """`value` escaped, marked with its language when the page is in another (WCAG 3.1.2)."""
    if value_language == page_language:
        return escape(value)
    return f'<span lang="{value_language}">{escape(value)}</span>'


def _entry_state(entries: Sequence[WheelEntry], today: date) -> str:
    if any(entry.late for entry in entries):
        return " late"
    if entries[0].when < today:
        return " past"
    return ""


def _entry_item(
    entries: Sequence[WheelEntry], label: str, today: date, language: Language, number: int | None
) -> str:
    """One date in the list: its badge, day, kind, title, detail, channels and role.

    When the date is late in some of its channels but not all, those channels say so.
    """
    entry = entries[0]
    state = _entry_state(entries, today)
    attributes = (
        f' id="entry-{number}" data-entry="{number}"' if number is not None else ""
    ) + f' data-date="{entry.when.isoformat()}" data-kind="{entry.kind}"'
    late = text("late", language)
    flags = []
    if state == " late":
        flags.append(f'<span class="flag late-flag">{escape(late)}</span>')
    elif state == " past":
        flags.append(f'<span class="visually-hidden">({escape(text("past", language))})</span>')
    elif (entry.when - today).days <= 14:
        flags.append(
            f'<span class="flag soon">{escape(relative_day(entry.when, today, language))}</span>'
        )
    some_late = state == " late" and not all(e.late for e in entries)
    meta = [
        f'<span class="channel{" late" if some_late and e.late else ""}">'
        f'<span class="visually-hidden">{escape(text("channel", language))}: </span>'
        f"{escape(e.channel_name)}"
        + (
            f'<span class="visually-hidden"> ({escape(late.lower())})</span>'
            if some_late and e.late
            else ""
        )
        + "</span>"
        for e in entries
        if e.channel_name
    ]
    if entry.role_title:
        meta.append(
            f'<span class="role">{escape(text("responsible", language))}: '
            f"{escape(entry.role_title)}</span>"
        )
    detail_parts = [escape(entry.detail)] if entry.detail else []
    if entry.place:
        detail_parts.append(_in_language(entry.place, PLACE_LANGUAGE, language))
    return assets.ENTRY.substitute(
        kind=entry.kind,
        state=state,
        attributes=attributes,
        badge=_badge(entry.kind, label),
        date=entry.when.isoformat(),
        day=escape(format_day(entry.when, language)),
        kind_name=escape(KIND_NAMES[entry.kind].get(language)[0]),
        flags="".join(flags),
        title=escape(entry.title),
        detail=f'<p class="detail">{" · ".join(detail_parts)}</p>' if detail_parts else "",
        meta=f'<p class="meta">{"".join(meta)}</p>' if meta else "",
    )


def _entry_list(page: WheelPage, placed: list[PlacedEntry], start: date) -> str:
    language = page.language
    parts = [
        '<section class="dates" aria-labelledby="dates-heading">',
        f'<h2 id="dates-heading">{escape(text("dates", language))}</h2>',
    ]
    overdue = merge_channels(entry for entry in page.entries if entry.late and entry.when < start)
    if overdue:
        parts.append(
            '<section class="month overdue" aria-labelledby="overdue-heading">'
            f'<h3 id="overdue-heading">{escape(text("overdue_before", language))}</h3><ol>'
        )
        parts += [_entry_item(entries, "!", page.today, language, None) for entries in overdue]
        parts.append("</ol></section>")
    if not placed:
        parts.append(f'<p class="empty">{escape(text("empty", language))}</p>')
    today_key = _month_key(page.today)
    by_month: dict[int, list[PlacedEntry]] = {}
    for item in placed:
        by_month.setdefault(item.month, []).append(item)
    for index, first_day in enumerate(wheel_months(start)):
        items = by_month.get(index)
        if not items:
            continue
        key = _month_key(first_day)
        heading = capitalized(f"{month_name(first_day.month, language)} {first_day.year}")
        now = (
            f' <span class="flag now">{escape(text("this_month", language))}</span>'
            if key == today_key
            else ""
        )
        current = ' data-current=""' if key == today_key else ""
        parts.append(
            f'<section class="month" data-month="{key}"{current} aria-labelledby="month-{key}">'
            f'<h3 id="month-{key}">{escape(heading)}{now}</h3><ol>'
        )
        parts += [
            _entry_item(item.entries, str(item.number), page.today, language, item.number)
            for item in items
        ]
        parts.append("</ol></section>")
    parts.append("</section>")
    return "".join(parts)


def _legend(placed: list[PlacedEntry], language: Language) -> str:
    counts = {kind: sum(1 for item in placed if item.entry.kind == kind) for kind in KINDS}
    items = []
    for kind in KINDS:
        singular, plural = KIND_NAMES[kind].get(language)
        name = singular if counts[kind] == 1 else plural
        # Swedish writes a kind in running text in lower case: "8 sista dagar".
        name = name.lower() if language == "sv" else name
        items.append(
            f'<li data-kind="{kind}">{_badge(kind, "", "legend-mark")}'
            f'<span class="count">{counts[kind]}</span> {escape(name)}</li>'
        )
    return (
        f'<ul class="legend" aria-label="{escape(text("legend", language))}">'
        f"{''.join(items)}"
        '<li class="legend-today">'
        + _icon("badge", '<line class="needle" x1="0" y1="12" x2="0" y2="-12"/>')
        + f"{escape(text('today', language))}</li></ul>"
    )


def _other_language_link(language: Language, network: str | None, theme: Theme | None) -> str:
    other: Language = "en" if language == "sv" else "sv"
    query = {"lang": other}
    if network:
        query["network"] = network
    if theme:
        query["theme"] = theme
    return (
        f'<a class="language" href="?{escape(urlencode(query))}" lang="{other}" '
        f'hreflang="{other}">{escape(text("other_language", language))}</a>'
    )


def _subscribe_link(page: WheelPage) -> str:
    """The "Subscribe in Outlook" link beside the language link, when the page has one."""
    if page.subscribe_url is None:
        return ""
    return (
        f'<a class="language subscribe" href="{escape(page.subscribe_url)}">'
        f'{escape(text("subscribe", page.language))}</a>'
    )


def _subscribe_how(page: WheelPage) -> str:
    """Below the dates: how to get the subscription link, when the page does not have it
    and the chat would give it."""
    if page.subscribe_url is not None or not page.subscriptions_enabled:
        return ""
    how = escape(text("subscribe_how", page.language))
    return f'<footer><p class="subscribe-how">{how}</p></footer>'


def _document(language: Language, title: str, theme: Theme | None, body: str) -> str:
    theme_attribute = f' data-theme="{theme}"' if theme else ""
    return "<!DOCTYPE html>\n" + assets.PAGE.substitute(
        language=language,
        theme_attribute=theme_attribute,
        title=escape(title),
        style=assets.STYLE,
        body=body,
        script=assets.SCRIPT,
    )


def render_wheel_page(
    page: WheelPage, *, theme: Theme | None = None, network_key: str | None = None
) -> str:
    """The whole page as an HTML document (well-formed XML as well, for the tests).

    Every text from data is escaped. `theme` pins Teams' theme; `network_key` is kept in
    the link to the other language.
    """
    language = page.language
    start = page.year_start.replace(day=1)
    placed = place_entries(start, page.entries)
    year = wheel_year_label(start)
    months = wheel_months(start)
    span = (
        f"{month_name(months[0].month, language)} {months[0].year} – "
        f"{month_name(months[-1].month, language)} {months[-1].year}"
    )
    heading = f"{text('wheel', language)} {year}"
    body = assets.WHEEL.substitute(
        network_name=escape(page.network_name),
        heading=escape(heading),
        span=escape(span),
        legend=_legend(placed, language),
        language_link=_other_language_link(language, network_key, theme),
        subscribe_link=_subscribe_link(page),
        ring=_ring_svg(page, placed, start),
        dates=_entry_list(page, placed, start),
        subscribe_how=_subscribe_how(page),
    )
    return _document(language, f"{heading} – {page.network_name}", theme, body)


def render_not_found(key: str, language: Language, theme: Theme | None = None) -> str:
    """The page for an unknown network key."""
    title = text("not_found_title", language)
    body = assets.NOT_FOUND.substitute(
        title=escape(title), message=escape(text("not_found", language, key=key))
    )
    return _document(language, title, theme, body)
