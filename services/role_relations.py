"""How a question relates the roles it names (see `services.who`, whose docstring lists the
rules): who acts on a role (appoints, decides, receives, takes something to it), whom a duty
relates a role to ("gentemot styrelsen", "the principal's primary contact"), who belongs to
a body, who stands in, and which roles a question rules out as its answer. Every rule reads
the network's titles and duties from the index; none names a role."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from domain.registry import Language, Localized
from services.role_index import MIN_SCORE, SYNONYM_WEIGHT, NetworkIndex, RoleEntry, WordEvidence
from services.text import STOP_WORDS, Word, fold, stems, words

_SWEDISH_ONLY: frozenset[Language] = frozenset({"sv"})
_ENGLISH_ONLY: frozenset[Language] = frozenset({"en"})


def vocabulary_language(question_words: list[Word]) -> Language | None:
    """The language whose registry words the question uses more of ("chair?" English,
    "sekreterare" Swedish); None when as many words of each, or only shared ones."""
    swedish = english = 0
    for word in question_words:
        if word.languages == _SWEDISH_ONLY:
            swedish += 1
        elif word.languages == _ENGLISH_ONLY:
            english += 1
    if swedish == english:
        return None
    return "sv" if swedish > english else "en"


# Verbs with which a duty stands in for another role ("Ersätter ordföranden …", "Stands in
# for the chair …", "Deputises for the secretary").
_STANDS_IN = frozenset(
    term for word in "ersätter ersätta vikarierar ställföreträder".split()
    for term in stems(word, "sv")
) | frozenset(
    term for word in "stands substitutes deputises deputizes replaces covers".split()
    for term in stems(word, "en")
)


def standing_in(index: NetworkIndex, absent: Iterable[int]) -> tuple[int, int] | None:
    """Asked who takes over from a role ("vem tar över när sekreteraren är borta?"), the
    role whose duty stands in for it (`_STANDS_IN`, naming its whole title), if any."""
    entries = index.entries
    for missing in absent:
        titles = [t for t in entries[missing].title_words_by_language.values() if t]
        for position, entry in enumerate(entries):
            if position == missing:
                continue
            for duty, terms in enumerate(entry.duty_terms):
                if terms & _STANDS_IN and any(title <= terms for title in titles):
                    return position, duty
    return None


# Prepositions after which a role is the one turned to, not the one asked for: "en fråga till
# styrelsen", "kontakt mot styrelsen", "kontakt med styrelsen", "reports to the steering group".
_TOWARDS = frozenset({"till", "mot", "gentemot", "med", "to", "towards", "toward", "with"})


_ARTICLES = frozenset({"the", "den", "det", "our", "vår", "var", "their"})


def choosing_holder(
    index: NetworkIndex,
    filled: list[int],
    not_actors: frozenset[int],
    ranked: list[int],
    choosing: frozenset[str],
    distributing: frozenset[str],
) -> tuple[int, int] | None:
    """Asked who chooses the holder of a role (`filled`), the role whose duty does it: one
    that elects or decides on that very role ("Väljer ordförande …") first, else one that
    distributes roles and responsibilities in its group ("Ser till att ansvarsområden
    fördelas"), best matched first. None when no duty does either."""
    entries = index.entries
    order = sorted(
        (p for p in range(len(entries)) if p not in not_actors),
        key=lambda p: rank_of(ranked, p),
    )
    titles = [t for p in filled for t in entries[p].title_words_by_language.values() if t]
    for position in order:
        entry = entries[position]
        for duty, terms in enumerate(entry.duty_terms):
            if entry.duty_heads[duty] & choosing and any(title <= terms for title in titles):
                return position, duty
    for position in order:
        for duty, terms in enumerate(entries[position].duty_terms):
            if terms & distributing:
                return position, duty
    return None


LEADING_ARTICLES = frozenset({("the",)})


_MIN_CUT_WORD = 4  # "lead" of "leader", "kontakt" of "kontaktperson"; not "pro", "con"


def bare(word: str) -> str:
    """A word folded and without a genitive "'s" ("board's" -> "board")."""
    return fold(word.removesuffix("'s").removesuffix("’s"))


def title_begun(
    index: NetworkIndex, surfaces: list[str], ranked: list[int]
) -> tuple[int, int] | None:
    """The role whose name the question begins, two words or more and the last cut short
    ("styrelsens kontakt" of "Styrelsens kontaktperson", "process lead" of "Process
    leader", "board contact" of "The board's contact person"), when it is not the best match:
    a name so begun is no other role's, however well that one's whole title ("the board")
    matches. The longest name told wins: "the board's contact person" is not the "contact
    person" of the chair's title."""
    asked = [bare(s) for s in surfaces]
    longest: tuple[int, bool, int] | None = None  # (words told, cut short, role)
    for start in range(len(asked) - 1):
        for position, run in index.title_runs.get(asked[start], ()):
            for end in range(start + 2, min(start + len(run), len(asked)) + 1):
                cut = _begins(asked[start:end], run)
                if cut is not None and (longest is None or end - start > longest[0]):
                    longest = (end - start, cut, position)
    if longest is None or not longest[1] or longest[2] == ranked[0]:
        return None
    position = longest[2]
    return position, duty_of(index.entries[position], index.own_title_terms[position])


def _begins(told: list[str], name: tuple[str, ...]) -> bool | None:
    """Whether the words `told` begin `name`, the last one maybe cut short: True if they
    stop short of its end, False if they are all of it, None if they do not begin it."""
    *whole, last = told
    if list(name[:len(whole)]) != whole or not name[len(whole)].startswith(last):
        return None
    if last != name[len(whole)] and len(last) < _MIN_CUT_WORD:
        return None
    return len(told) < len(name) or last != name[-1]


def towards(
    index: NetworkIndex,
    surfaces: list[str],
    evidences: list[WordEvidence],
    scores: dict[int, float],
    ranked: list[int],
) -> tuple[int, int] | None:
    """When the best role is named only after "till"/"to" ("jag har en fråga till
    styrelsen"), the role whose duty names it and that the question matches best: the one
    who deals with it for the asker (the board's contact person). None otherwise.
    `evidences` are what each question word says (`services.who._word_evidence`)."""
    top = ranked[0]
    after_towards = False
    named_towards = named_elsewhere = False
    for surface, evidence in zip(surfaces, evidences, strict=True):
        if top in evidence.whole_title_of:
            if after_towards:
                named_towards = True
            else:
                named_elsewhere = True
        if surface in _TOWARDS:
            after_towards = True
        elif surface not in _ARTICLES:
            after_towards = False
    if not named_towards or named_elsewhere:
        return None
    candidates = [
        (scores.get(position, 0.0), -position, position, duty)
        for position, duty in dealing_with(index, top)
    ]
    if not candidates:
        return None
    _, _, position, duty = max(candidates)
    return position, duty


def duty_is_for(
    index: NetworkIndex, surfaces: list[str], named: list[int]
) -> tuple[int, int] | None:
    """Asked whom a named role is something for ("who is the process leader the primary
    contact for?"): the other role named in the named role's duty most like the question
    ("Is the principal's primary contact"). None without such a duty."""
    if not named:
        return None
    asked = {
        t for s in surfaces if fold(s) not in STOP_WORDS
        for language in ("sv", "en") for t in stems(s, language)
    }
    entries = index.entries
    best: tuple[int, int] | None = None  # (words shared with the question, other role)
    for position in named:
        role = entries[position].role
        for language in ("sv", "en"):
            for text in role.duties.get(language):
                text_words = words(text)
                shared = len(asked.intersection(
                    t for w in text_words for t in stems(w, language)
                ))
                others = [
                    other for w in text_words
                    for other in named_roles(stems(w, language), entries, index.own_title_terms)
                    if other not in named
                ]
                if shared and others and (best is None or shared > best[0]):
                    best = (shared, others[0])
    if best is None:
        return None
    other = best[1]
    return other, duty_of(entries[other], index.own_title_terms[other])


def most_dealing_with(
    index: NetworkIndex, asker: int, not_actors: frozenset[int]
) -> tuple[int, int] | None:
    """The role with the most duties that name the role at `asker` by one of its names
    ("Informs the principal …", "Is the principal's primary contact"): whom a member of that
    body turns to when nothing else in the question matches. None if no duty names it."""
    names = index.entries[asker].names
    best: tuple[int, int, int] | None = None  # (duties naming it, role, first such duty)
    for position, entry in enumerate(index.entries):
        if position == asker or position in not_actors:
            continue
        naming = [d for d, terms in enumerate(entry.duty_terms)
                  if any(name <= terms for name in names)]
        if naming and (best is None or len(naming) > best[0]):
            best = (len(naming), position, naming[0])
    return None if best is None else (best[1], best[2])


def dealing_with(index: NetworkIndex, top: int) -> tuple[tuple[int, int], ...]:
    """Each other role with its first duty naming the role at `top` by a whole title:
    registry data, worked out once per role of the network."""
    known = index.dealing_with.get(top)
    if known is None:
        named = index.entries[top]
        known = index.dealing_with[top] = tuple(
            (position, duty)
            for position, entry in enumerate(index.entries)
            if position != top
            for duty in [next(
                (d for d, terms in enumerate(entry.duty_terms)
                 if names_whole_title(named, terms)),
                None,
            )]
            if duty is not None
        )
    return known


# Prepositions by how they relate something to a role, in both languages.
_RELATIONS: dict[str, str] = {
    **dict.fromkeys(("till", "to", "for"), "to"),
    **dict.fromkeys(("mot", "gentemot", "med", "towards", "toward", "with"), "towards"),
    **dict.fromkeys(("i", "inom", "in", "on", "within"), "in"),
}


_BELONGING = frozenset({"med", "part", "member", "members", "ingår", "ingar", "sitter", "sits",
                        "sit", "är", "is", "are"})


_DETERMINERS = _ARTICLES | {"a", "an", "my", "min", "mitt", "vårt", "våra", "vart", "vara",
                            "its", "sin", "sitt", "sina", "hela", "whole"}


def roles_titled(index: NetworkIndex, text: str) -> frozenset[int]:
    """The roles `text` names by a word only their title has, in either language."""
    terms = stems_in(text)
    return frozenset(p for p, own in enumerate(index.own_title_terms) if own & terms)


def stems_in(text: str) -> set[str]:
    """Every stem of `text`'s words, in both languages."""
    return {t for word in words(text) for language in ("sv", "en") for t in stems(word, language)}


def position_of(index: NetworkIndex, role_key: str) -> int | None:
    """The position of the role `role_key` in `index`, if the network has it."""
    return next((p for p, e in enumerate(index.entries) if e.role.key == role_key), None)


def named_roles(
    terms: Iterable[str], entries: list[RoleEntry], own_title_terms: list[frozenset[str]]
) -> tuple[int, ...]:
    """The roles a word with `terms` names, in the network's order: by a whole title, or by
    a word of its title no other title uses."""
    terms = set(terms)
    return tuple(
        position
        for position, entry in enumerate(entries)
        if own_title_terms[position] & terms
        or any(title and title <= terms for title in entry.title_words_by_language.values())
    )


# A role's contact named in the genitive ("uppdragsgivarens primära kontaktperson", "the
# principal's primary contact") is the contact for it and towards it, as a preposition says.
_CONTACT = ("kontakt", "contact")
_CONTACT_REACH = 2  # "primära kontaktperson": an adjective may come between
_FOR = "för"  # after a contact, as "mot": "primär kontakt för kommundirektörsnätverket"


def _genitive(surface: str) -> bool:
    """"principal's", "uppdragsgivarens": a word in the genitive (a Swedish "s" that its
    stem does not keep)."""
    if surface.endswith(("'s", "’s", "s'")):
        return True
    return (
        surface.endswith("s") and not surface.endswith("ss")
        and stems(surface, "sv") == stems(surface[:-1], "sv")
    )


def relations(
    surfaces: list[str], named: Callable[[int], tuple[int, ...]]
) -> list[tuple[str, int]]:
    """(how, role) for each role a text names right after a preposition ("till styrelsen",
    "towards the board", "i styrelsen") or in the genitive before a contact ("uppdragsgivarens
    kontaktperson"); `surfaces` are the text's words, `named(i)` the roles its i-th word names
    (`named_roles`), asked only of such a word."""
    found: list[tuple[str, int]] = []
    how: str | None = None
    previous = ""
    for at, surface in enumerate(surfaces):
        if how is None and _genitive(surface) and any(
            word.startswith(_CONTACT) for word in surfaces[at + 1 : at + 1 + _CONTACT_REACH]
        ):
            found.extend((relation, position) for position in named(at)
                         for relation in ("to", "towards"))
        relation = _RELATIONS.get(surface)
        if relation is None and surface == _FOR and previous.startswith(_CONTACT):
            relation = "towards"
        elif relation is not None and previous in _TOGETHER:
            relation = "with"  # "tillsammans med föredraganden": working beside that role
        if relation is not None:
            # "med i beredningen", "part of …": belonging to a body, not a relation to it.
            how = None if relation == "in" and previous in _BELONGING else relation
            previous = surface
            continue
        previous = surface
        if surface in _DETERMINERS:
            continue
        if how is not None:
            # Working beside a role is also turning to it ("tillsammans med styrgruppen").
            kinds = (how, "towards") if how == "with" else (how,)
            found.extend((kind, position) for position in named(at) for kind in kinds)
        how = None
    return found


# Verbs of presenting something to someone, after which "för" means "to".
_PRESENTING = frozenset({"presenterar", "presentera", "redovisar", "redovisa", "föredrar",
                         "föredra", "visar", "visa"})


# "tillsammans med", "together with": the role named after it works beside the one whose
# duty says so, and the other way round.
_TOGETHER = frozenset({"tillsammans", "together"})


def together_with(
    index: NetworkIndex, surfaces: list[str], evidences: list[WordEvidence],
    scores: dict[int, float],
) -> tuple[int, int] | None:
    """"Vem kommunicerar förslaget tillsammans med ordföranden?": the role a duty pairs with
    the role named after "tillsammans med"/"together with", from either side ("Kommunicerar
    förslaget tillsammans med föredraganden" is the chair's duty; "Tar tillsammans med
    styrgruppen fram …" the process leader's), best matched first. None when no duty does."""
    if _TOGETHER.isdisjoint(surfaces):
        return None
    entries = index.entries
    for how, target in relations(surfaces, lambda at: evidences[at].relation_targets):
        if how != "with":
            continue
        beside = list(index.pairs.get(("with", target), ()))  # "… tillsammans med <target>"
        beside += [  # the target's own duty "… tillsammans med <other>"
            (other, duty_of(entries[other], index.own_title_terms[other]))
            for (kind, other), doers in index.pairs.items()
            if kind == "with" and other != target and any(p == target for p, _ in doers)
        ]
        if beside:
            _, _, position, duty = max(
                (scores.get(p, 0.0), -p, p, d) for p, d in beside
            )
            return position, duty
    return None


def related(
    index: NetworkIndex,
    question_words: list[Word],
    surfaces: list[str],
    evidences: list[WordEvidence],
    scores: dict[int, float],
) -> tuple[int, int] | None:
    """The role whose duty relates to a role the way the question does: "vem i styrelsen kan
    vi ställa frågor till?" is the board member of the duty "den ledamot i styrelsen …";
    "vem har kontakten med styrelsen?" the group's contact "gentemot styrelsen"; "frågor till
    styrelsen" the one the group turns to "med frågor till styrelsen". A question of who
    belongs to a body is left to `membership`; a role named just before the preposition
    ("ordförande i styrgruppen") is the one asked for. `surfaces` and `evidences` are each
    question word's surface and what it says (`services.who._word_evidence`)."""
    if not index.pairs or (_RELATIONS.keys().isdisjoint(surfaces) and _FOR not in surfaces):
        return None
    if not _MEMBERSHIP.isdisjoint(surfaces) or _asks_who_is_in(surfaces):
        return None
    # "for" typed without its accent in a Swedish question is "för", no relation ("vilka är
    # med i beredningen for e-rådet"), unlike English "questions for the board".
    if "for" in surfaces and vocabulary_language(question_words) == "sv":
        surfaces = ["för" if surface == "for" else surface for surface in surfaces]
    if not _PRESENTING.isdisjoint(surfaces):
        # "Vem presenterar förslaget för ledningsgruppen?": presented "för" a role is told
        # to it, as "till" says.
        surfaces = ["till" if surface == _FOR else surface for surface in surfaces]
    for how, target in relations(surfaces, lambda at: evidences[at].relation_targets):
        doers = [
            (scores[p], -p, p, duty)
            for p, duty in index.pairs.get((how, target), ())
            if p in scores
        ]
        if doers:
            _, _, position, duty = max(doers)
            return position, duty
    return None


# Prepositions that tie a role to the body it is held in: "the chair of the steering group",
# "ordförande i styrgruppen", "sekreterare för rådet".
_HELD_IN = frozenset({"of", "in", "on", "for", "i", "på", "pa", "för", "inom"})
# Asked who holds it ("who is the chair of …", "vem är ordförande i …"), not who acts on it
# ("vem utser kassör i styrelsen?" is the board's, which appoints).
_BEING = frozenset({"is", "who's", "whos", "who’s", "är", "ar", "was", "var"})
_BEING_REACH = 4  # "who is the costume maker of …"


def held_in(index: NetworkIndex, surfaces: list[str], first: int, second: int) -> bool:
    """Whether the question asks who is the role at `second`, named by title right before a
    preposition, and names the role at `first` right after it ("who's the chair of the
    steering group?"): the role held in the body is asked for, not the body."""
    def titled(at: int) -> tuple[int, ...]:
        word = surfaces[at]
        return named_roles(
            {t for language in ("sv", "en") for t in stems(word, language)},
            index.entries, index.own_title_terms,
        )

    for at, surface in enumerate(surfaces[1:-1], start=1):
        if surface not in _HELD_IN or second not in titled(at - 1):
            continue
        if _BEING.isdisjoint(surfaces[max(0, at - _BEING_REACH):at]):
            continue
        after = next((i for i in range(at + 1, len(surfaces))
                      if surfaces[i] not in _DETERMINERS), None)
        if after is not None and first in titled(after) and second not in titled(after):
            return True
    return False


# Words of belonging to a body: "vilka ingår i styrgruppen?", "who sits on the board?" ask who
# makes up the role named, not who has a duty that uses the word.
_MEMBERSHIP = frozenset({"ingår", "ingar", "ingå", "inga", "sitter", "sits", "sit", "member",
                         "members", "part"})


_IN_OR_ON = frozenset({"in", "on", "i", "på", "pa"})


def _asks_who_is_in(surfaces: list[str]) -> bool:
    """"who's on the steering group?", "vem är i beredningen?": who belongs to a body, asked
    with no word of belonging but the preposition ("who's" is read as "who")."""
    if not surfaces or surfaces[0] not in _WHO:
        return False
    if surfaces[1:2] == ["on"]:  # "who on the board …?": the body is where to look
        return True
    # "vem i styrelsen …", "who in our group talks to the board?": someone of a body who
    # does something, which the relations answer.
    return len(surfaces) > 2 and surfaces[1] in _COPULA and surfaces[2] in _IN_OR_ON


def membership(
    question_words: list[Word],
    scores: dict[int, float],
    strongest_field: dict[int, float],
    ranked: list[int],
) -> tuple[int, None] | None:
    """In a question of membership, the best role the question names by title or synonym,
    when the best role overall is only matched by duty words."""
    if not any(w.surface in _MEMBERSHIP for w in question_words):
        return None
    if strongest_field.get(ranked[0], 0.0) >= SYNONYM_WEIGHT:
        return None
    named = [p for p in ranked if strongest_field.get(p, 0.0) >= SYNONYM_WEIGHT]
    if not named or scores[named[0]] < MIN_SCORE:
        return None
    return named[0], None


# Words that ask for the rest of a body's members: "vem mer?", "who else?", "är det bara
# ordföranden?", "besides the chair".
_OTHER_MEMBERS = frozenset({"mer", "fler", "övriga", "ovriga", "bara", "enbart", "endast",
                            "utöver", "utover", "förutom", "forutom", "else", "only", "besides",
                            "other", "others"})


_COPULA = frozenset({"är", "ar", "is", "are"})


_IN_BODY = frozenset({"i", "på", "pa", "med", "in", "on"})


def asks_for_members(surfaces: list[str]) -> bool:
    """Whether a question asks who belongs to a body: a word of belonging ("vilka sitter
    i …", "who is part of …"), of the members left ("who else", "bara ordföranden?"), or a
    who-word followed by "in" ("who's in the preparation group", "vilka är med i …")."""
    if not _MEMBERSHIP.isdisjoint(surfaces) or not _OTHER_MEMBERS.isdisjoint(surfaces):
        return True
    for at, surface in enumerate(surfaces[:-1]):
        if surface in _WHO:
            following = surfaces[at + 1]
            if following in _COPULA and at + 2 < len(surfaces):
                following = surfaces[at + 2]
            if following in _IN_BODY:
                return True
    return False


# "vem i …", "who in …": one of a body, when an act follows the body's name.
_WHO_IN = frozenset({("vem", "i"), ("vem", "på"), ("who", "in"), ("who", "on")})
_WORDS_AFTER_WHO_IN = 4  # "who in the preparation group" and at least one word of the act


def asks_who_in_a_body_acts(surfaces: list[str]) -> bool:
    """"Vem i beredningen kallar till mötena?", "who in the preparation group chairs the
    council meetings?": one of a body asked for by what they do, not the body's members."""
    return any(
        tuple(surfaces[at:at + 2]) in _WHO_IN and len(surfaces) - at >= _WORDS_AFTER_WHO_IN
        for at in range(len(surfaces) - 1)
    ) and _OTHER_MEMBERS.isdisjoint(surfaces)


# Who the asker is ("jag är ny som projektledare", "I'm the new project leader") and who wants
# something ("Projektägaren vill ändra målen — vem beslutar det?"): read before the who-word.
_IDENTITY = (("jag", "är"), ("jag", "ar"), ("i", "am"), ("i'm",), ("im",), ("i’m",))


_IDENTITY_REACH = 4  # words between "jag är" and the role ("jag är nyvald som projektledare")


_WANTS = frozenset({"vill", "ville", "behöver", "behover", "önskar", "onskar", "undrar", "frågar",
                    "fragar", "want", "wants", "wanted", "need", "needs", "would", "asks", "ber",
                    "wonder", "wonders", "wondering", "asking"})


# After the who-word, a role named in a clause of time is when, not who ("vem tar över när
# projektgruppen är klar?").
_WHEN = frozenset({"när", "nar", "when"})


_WHO = frozenset({"vem", "vilka", "vilken", "who", "whom", "who's", "whos", "which"})


def roles_not_acting(
    question_words: list[Word], titled_at: list[tuple[int, list[int], bool]]
) -> frozenset[int]:
    """Roles a question names as the asker ("jag är ny som projektledare och …") or as the one
    who wants something ("Projektägaren vill ändra …, vem beslutar det?"), by title, before
    it asks who: they are not the role asked for. `titled_at`: (word index, the roles the
    word names by title, whether by the whole title); the one who wants or is "when" must
    be named by its whole title ("our municipality wants …" names no principal)."""
    if not titled_at:
        return frozenset()
    surfaces = [w.surface for w in question_words]
    who_at = next((i for i, s in enumerate(surfaces) if s in _WHO), len(surfaces))
    found: set[int] = set()
    for at, positions, whole in titled_at:
        before = at - 1
        while before >= 0 and surfaces[before] in _ARTICLES:
            before -= 1
        if whole and before >= 0 and surfaces[before] in _RULED_OUT:
            # "inte styrelsen", "not the chair, who else …", "vem utöver ordföranden …".
            found.update(positions)
            continue
        if at > who_at:
            if not whole:
                continue
            # The role right after "när"/"when" (an article between at most).
            if surfaces[at - 1] in _WHEN or (
                at >= 2 and surfaces[at - 2] in _WHEN and surfaces[at - 1] in _ARTICLES
            ):
                found.update(positions)
            continue
        before = surfaces[max(0, at - _IDENTITY_REACH - 2):at]
        identity = any(
            tuple(before[i:i + len(marker)]) == marker
            for marker in _IDENTITY
            for i in range(len(before))
        )
        wants = whole and any(s in _WANTS for s in surfaces[at + 1:who_at])
        if identity or wants:
            found.update(positions)
    return frozenset(found)


# Words before a subject of several ("some of the …", "några av …"); not "a"/"en": "a
# municipality wants to join" names no body of the registry.
_SUBJECT_LEAD = frozenset({"the", "some", "of", "all", "several", "many", "några", "nagra",
                           "alla", "flera", "vissa", "av"})


def wanting_subject(surfaces: list[str], evidences: list[WordEvidence]) -> frozenset[int]:
    """The roles the first word of the question names, by title or synonym, when it is the
    subject of wanting or asking ("kommundirektörerna undrar hur det går …", "some of the
    municipal directors want to know …") before any who-word."""
    at = 0
    while at < len(surfaces) and surfaces[at] in _SUBJECT_LEAD:
        at += 1
    if at >= len(surfaces) or not evidences[at].named:
        return frozenset()
    named = evidences[at].named
    for later in range(at + 1, min(at + 1 + _IDENTITY_REACH, len(surfaces))):
        if surfaces[later] in _WHO:
            return frozenset()
        if surfaces[later] in _WANTS:
            return frozenset(named)
    return frozenset()


# After a verb of acting, the words that ask which thing it chooses ("bestämmer vilka …").
WHICH_THING = frozenset({"vilka", "vilket", "vilken", "which", "what"})


# After a verb of acting, the word that asks who is to hold a role ("bestämmer vem som blir
# sekreterare", "decides who becomes secretary"): the role named after it is the one filled.
WHO_HOLDS = frozenset({"vem", "who"})


# Verbs that give someone a role, as written ("assigns the secretary role", "tilldelar
# sekreterarrollen"): their stems are those of nouns in duties ("assignment").
ASSIGNS = frozenset({"assign", "assigns", "tilldelar", "tilldela", "tilldelas"})


HANDS_OUT = frozenset({("hands", "out"), ("hand", "out"), ("delar", "ut"), ("dela", "ut")})


_AMONG_US = frozenset({("av", "oss"), ("of", "us"), ("among", "us"), ("bland", "oss")})


def among_us(surfaces: list[str]) -> bool:
    """"vem av oss …", "which of us …": one of the asker's group."""
    return len(surfaces) > 2 and surfaces[0] in _WHICH_ONE and tuple(surfaces[1:3]) in _AMONG_US


_WHICH_ONE = frozenset({"vem", "vilken", "vilka", "who", "which"})


# Words before a role that rule it out as the answer.
_RULED_OUT = frozenset({"inte", "ej", "not", "utöver", "utover", "förutom", "forutom", "utom",
                        "än", "besides", "except", "than"})


_OR = frozenset({"eller", "or"})


def roles_offered(
    question_words: list[Word], whole_titled: list[tuple[int, list[int], list[int]]]
) -> frozenset[int]:
    """The roles a question offers as alternatives, each named by its own title: "styrelsen
    eller vår ekonomiansvarig", "the board or our chair" (empty when it offers none)."""
    surfaces = [w.surface for w in question_words]
    named = [(at, strict) for at, _, strict in whole_titled if len(strict) == 1]
    for (first, one), (second, other) in zip(named, named[1:], strict=False):
        if one != other and any(s in _OR for s in surfaces[first + 1:second]) and all(
            s in _OR or s in _DETERMINERS for s in surfaces[first + 1:second]
        ):
            return frozenset(one + other)
    return frozenset()


def forwarded(
    index: NetworkIndex, top: int, send_terms: frozenset[str]
) -> tuple[int, int] | None:
    """Asked where something goes next ("I took notes, where should I send them?"), the role
    the best role's own duty sends it to ("… skickar det till processledaren"), if any."""
    for duty, terms in enumerate(index.entries[top].duty_terms):
        if not terms & send_terms:
            continue
        for (how, other), doers in index.pairs.items():
            if how == "to" and other != top and (top, duty) in doers:
                return other, duty_of(index.entries[other], index.own_title_terms[other])
    return None


def names_whole_title(entry: RoleEntry, terms: set[str]) -> bool:
    """True when a word's terms hold a whole title of the role ("styrelsen": Styrelsen)."""
    return any(words <= terms for words in entry.title_words_by_language.values() if words)


def closest_duty(
    index: NetworkIndex, role_key: str, question_words: list[Word]
) -> Localized[str] | None:
    """The duty of `role_key` that shares the most terms with the question, to show with an
    answer the examples chose; None when no duty shares any (the answer shows the first)."""
    entry = next(e for e in index.entries if e.role.key == role_key)
    terms = {t for word in question_words for reading in word.readings for t in reading.terms}
    shared = [len(duty_terms & terms) for duty_terms in entry.duty_terms]
    if not any(shared):
        return None
    return entry.duty_texts[shared.index(max(shared))]


def duty_of(entry: RoleEntry, terms: set[str]) -> int:
    """The first duty of `entry` that uses one of `terms` (its title's, naming it)."""
    return next((d for d, ts in enumerate(entry.duty_terms) if ts & terms), 0)


def passive(word: str, language: Language) -> bool:
    """"Utses", "Appointed": a duty that says how the role is chosen, not what it does."""
    if language == "sv":
        return word.endswith("s") and not word.endswith("ss")
    return word.endswith("ed")


def rank_of(ranked: list[int], position: int) -> int:
    """A role's place in the ranking; roles the question did not match come last."""
    return ranked.index(position) if position in ranked else len(ranked)
