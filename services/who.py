"""Answering "who do I contact?" from the role registry.

`ContactFinder` is built once from a `RoleRegistry`. For each network it indexes every role's
titles, key, synonyms and duties in both languages; a question is matched against that index
and the best roles come back with the duty sentence that matched. Everything is read from the
registry, so a role added to the data is answerable without code changes.

How a question is scored against a role:

* Each word of the question is read as registry terms (see `services.text`: stems, compound
  parts, inflections, typos); asking words ("vem", "who", "ansvarar", "contact") carry nothing.
* A term counts by where the role uses it (title over synonyms over duties) and by how telling
  it is: rare in the whole registry (an IDF) and held by few roles of this network (so a word
  every role of the network uses, like "expertgruppen" in Best Service, says little).
* A synonym told in the first person is a *situation* ("jag missade mötet och vill veta vad
  som beslutades", "we spent more money than planned"): what a member says who needs the role
  and names neither role nor duty. It is read like a duty sentence (its words weigh as duty
  words; two of them shared earn the sentence bonus), is never shown, is no word for the role,
  and its everyday words do not make title and duty words look common.
* A role whose whole title (or whole several-word synonym) is in the question gets a bonus:
  "ordförande" then means Ordförande rather than Vice ordförande. So does a role one of whose
  duty sentences shares two or more of the question's words.
* A role named in the genitive ("projektledarens", "the board's") counts only as a duty word:
  it owns what is asked about and is usually not the role asked for.
* Below a minimum score the finder abstains: it never guesses a role. A sentence that does not
  ask for someone ("I lost my keys") needs more: a title or synonym, or two words that match;
  a message of one or two words ("budget?") is taken as the topic it names.

Which of the matched roles is meant, read from the duties (nothing here names a role):

* The acting role wins: "vem väljer ordförande?", "who appoints the representatives?" are
  answered with the role whose duty does that (elects, decides, approves, calls, supports,
  helps, makes sure, distributes, informs, sends, receives, gets) to the role named, not with
  the role named; the role named right after the verb is the one acted on ("vem utser
  ordförande i e-rådet?": the chair, not the council). "Till vem lyfter ordföranden beslut?",
  "vem tar processledaren upp behov med?", "who does the chair send version 4 to?" follow the
  named role's own duty to the role it sends to.
* A role related to another the way a duty says answers: "vem i styrelsen …?" is the board
  member of the duty "den ledamot i styrelsen …", "kontakt med/gentemot styrelsen" the duty
  "kontakt gentemot styrelsen", "frågor till styrelsen" the duty "… med frågor till styrelsen"
  (prepositions by kind, both languages; see `related`).
* A role named after "till"/"mot"/"med"/"to" is the one turned to ("en fråga till
  styrelsen"): the role whose duty deals with it answers.
* "Who does the chair report to?": a named role's duty that sends (reports, escalates,
  delegates; the one with the very verb asked about first), else a duty relating it to
  another role ("contact towards the board"), says whom. Asked where a thing goes next ("I
  took notes, where should I send them?"), the best role's own sending duty says where.
* A role named as the asker ("jag är ny som projektledare …"), as the one who wants or
  wonders something ("Projektägaren vill ändra målen — vem beslutar det?") or as the time
  ("… när projektgruppen är klar?") is not the answer: the next role that matches is.
* Asked who sits in or belongs to a body ("vilka ingår i styrgruppen?"), the body named is
  the answer; a group named like a role's body ("Beredningen") stands for that role.
* A composite role (a duty "Består av …"/"Made up of …" naming other roles) is answered with
  its members and who holds them; it is vacant only when nobody holds it or a member role.
  Asked who belongs to it with a member named as a guess ("är det bara ordföranden?", "the
  chair, the vice chair and who else?"), the body answers, not the member.
* "Who takes over when the chair is away?", "vem hoppar in om sekreteraren är sjuk?": the
  role whose duty stands in for the role named ("Ersätter ordföranden …").
* A role named right after "inte"/"not"/"utöver"/"besides" ("not the board — who …?") is
  ruled out: the next role that matches answers.
* A role named right after a verb of acting is the one acted on ("vem stöttar ordföranden
  administrativt?"): when no duty does that act to it, the next matching role with a duty of
  that kind answers, not the role named.
* "Vem bestämmer vem som blir ekonomiansvarig?", "who decides who becomes secretary?": the
  role named after "vem"/"who" is the one filled, not the answer, even when its own duty uses
  a deciding verb: a duty of another role that elects or decides on that very role answers,
  else one that distributes roles and responsibilities ("Ser till att ansvarsområden
  fördelas"); when no duty does either, the rules for acts answer as before.
* "Vem bestämmer vilka representanter som ska sitta i rådet?": the thing after "vilka"/
  "which" is what the act chooses, so the duty that chooses it answers, not a role named
  later as where it goes.

A network named in the question ("e-rådet", "Fyrbodal", "Best Service") and a group named in it
("i logistikgruppen", "in the meals group") replace the conversation's defaults, unless the
name is also an ordinary word of the current network's own texts ("nätverket", "projektet",
"beredningen"): such a word is read as part of the question, not as a name.

This module builds the index and ranks; the index's types and field weights are in
`services.role_index`, and the rules above that read how a question relates the roles it names
(acts, relations, bodies, stand-ins) in `services.role_relations`.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from domain.examples import ExampleQuestion
from domain.language import language_from_locale, language_scores
from domain.registry import Assignment, Language, Localized, Network, Role, RoleRegistry
from domain.turns import ContactAnswer, Reply
from services.examples import SAME_QUESTION, ExampleIndex, ExampleVote
from services.groups import resolve_group
from services.intents import request_verbs, role_words
from services.role_index import (
    DUTY_WEIGHT,
    MIN_SCORE,
    NO_EVIDENCE,
    SAME_DUTY_BONUS,
    SITUATION_WEIGHT,
    SYNONYM_WEIGHT,
    TITLE_WEIGHT,
    WHOLE_PHRASE_BONUS,
    NameMatch,
    Names,
    NetworkIndex,
    RoleEntry,
    WordEvidence,
)
from services.role_relations import (
    ASSIGNS,
    HANDS_OUT,
    LEADING_ARTICLES,
    WHICH_THING,
    WHO_HOLDS,
    among_us,
    asks_for_members,
    asks_who_in_a_body_acts,
    bare,
    choosing_holder,
    closest_duty,
    duty_is_for,
    duty_of,
    forwarded,
    held_in,
    membership,
    most_dealing_with,
    named_roles,
    names_whole_title,
    passive,
    position_of,
    rank_of,
    related,
    relations,
    roles_not_acting,
    roles_offered,
    roles_titled,
    standing_in,
    stems_in,
    title_begun,
    together_with,
    towards,
    vocabulary_language,
    wanting_subject,
)
from services.text import (
    BODY_WORDS,
    Analyzer,
    RecentlyAsked,
    Word,
    carries_no_role_information,
    fold,
    stem,
    stems,
    words,
)
from texts.markdown import escape
from texts.who import join_list, person_link, render, role_in_question

# A run of this many words told as in one of a role's situations, small words included ("vem
# som gör vad"), is that situation told again: "ingen verkar veta vem som gör vad i vår
# grupp" is the situation "vi vet inte vem som gör vad i gruppen", though every word of it
# is too common to count alone. It adds the weight of one telling duty word.
SITUATION_RUN = 4
SITUATION_RUN_BONUS = 1.0
# The nearest example questions (services/examples.py) overrule the finder's best role when
# this share of their similarity backs another role and the nearest is at least this close:
# chosen on held-out question sets (bench/README.md), where a looser agreement overruled
# right answers as often as wrong ones.
EXAMPLES_AGREEMENT = 0.7
EXAMPLES_CLOSENESS = 0.2
# A question the finder has no role for takes the examples' only when the nearest is this
# close (besides EXAMPLES_AGREEMENT): at 0.15, messages for nobody ("who made you?") began to
# get the role of a question worded like them; from 0.2 to 0.3 none did.
ALONE_CLOSENESS = 0.25
RUNNER_UP_SHARE = 0.5  # further roles are listed while they score at least this share of the best
MAX_MATCHES = 3
TOPIC_WORDS = 2  # a message this short names a topic ("budget?") rather than chatting
MAX_SUGGESTIONS = 3
MAX_GROUP_LINES = 10  # groups listed for a group role asked without a group
MIN_COMPOUND_ENDING = 4  # a name this long at the end of a compound is that compound's word
# Question words whose evidence is kept per network, in each of two generations (about
# 0.9 KiB a word: under 2 MiB a network), and acting words remembered per finder.
_EVIDENCE_LIMIT = 1024
_RENDERED_LIMIT = 4096  # answers' texts about a role kept per finder (`ContactFinder.answer`)

# Verbs of acting on something, by kind, in both languages. A question that asks who does one
# of them to a role it names ("vem väljer ordförande?", "who appoints the representatives?")
# is answered with the role whose duty does it to that role, read from the duties: nothing
# here names a role. Kinds a duty may answer a question's kind with are in `_ANSWERED_BY`.
_ACTING_VERBS: dict[str, tuple[str, str]] = {
    "elect": ("välja väljer väljs väljas vald utse utser utses tillsätta tillsätter byta byter"
              " avsätta avsätter",
              "elect elects elected appoint appoints appointed choose chooses select selects"
              " pick picks replace replaces dismiss dismisses"),
    "decide": ("besluta beslutar bestämma bestämmer avgöra avgör",
               "decide decides determine determines"),
    "approve": ("godkänna godkänner fastställa fastställer",
                "approve approves adopt adopts"),
    "call": ("kalla kallar sammankalla sammankallar", "call calls convene convenes summon"),
    # Finite forms only: "vem hjälper styrgruppen …?" asks who acts; "kan du hjälpa mig" not.
    "support": ("stödja stödjer stöttar stötta hjälper underlättar", "support supports helps"),
    "ensure": ("säkerställer säkerställa", "ensure ensures sure"),
    "distribute": ("fördela fördelar fördelas", "distribute distributes allocate allocates"),
    "commission": ("uppdrar", "commission commissions"),
    "inform": ("informera informerar kommunicera kommunicerar meddela meddelar uppdaterad"
               " uppdaterade",
               "tell tells inform informs communicate communicates updated informed"),
    "send": ("skicka skickar lyfta lyfter eskalera eskalerar vidare rapportera rapporterar"
             " delegera delegerar",
             "send sends escalate escalates forward report reports delegate delegates"),
    "receive": ("emot får", "receive receives get gets"),
    # Verbs that take something to someone only in a question "till vem …?"/"who … to?"
    # ("vem tar processledaren upp resursbehov med?", "who does the chair take … to?").
    "carry": ("tar ta lyfter lyfta lämnar lämna presenterar presentera",
              "take takes bring brings raise raises present presents hand hands"),
}
# What separates the names one title gives ("Kontaktperson och ordförande", "Styrgrupp
# (e-rådet)", "Utvecklingsledare/projektledare").
_TITLE_PARTS = re.compile(r"[()/]| och | and ")
# Brackets and slashes only: for a title whose Swedish form joins the parts of one word
# (`_ONE_WORD_JOINED`: "Förvaltnings- och utvecklingsorganisationen").
_TITLE_BRACKETS = re.compile(r"[()/]")
_ONE_WORD_JOINED = re.compile(r"-\s+(?:och|eller)\s")
_SENDING_KINDS = ("send", "inform", "carry")
# Kinds of act so common in duties ("Säkerställer att …", "Makes sure …") that the best role
# answers whenever one of its own duties does it.
_WEAK_KINDS = frozenset({"ensure"})
_ENSURES = stem("säkerställer", "sv")  # what "ser till att" means, in a duty and a question
# What `_acting` says when the best role itself does what is asked: no other rule moves it.
_ACTS_ITSELF = (-1, -1)
_ANSWERED_BY: dict[str, frozenset[str]] = {
    "elect": frozenset({"elect", "decide"}),
    "decide": frozenset({"decide", "elect", "approve"}),
    "approve": frozenset({"approve", "decide"}),
    "call": frozenset({"call"}),
    "support": frozenset({"support"}),
    "ensure": frozenset({"ensure", "distribute"}),
    "distribute": frozenset({"distribute", "ensure"}),
    "commission": frozenset({"commission"}),
    "inform": frozenset({"inform"}),
    "send": frozenset({"send"}),
}
# A synonym told in the first person is a situation: what a member says who needs the role
# ("jag missade mötet och vill veta vad som beslutades", "we have spent more than planned").
# Members describe what happened far more often than they name a duty; a situation is read
# like a duty sentence (see `_rank`), never shown, and is no word for the role itself.
_FIRST_PERSON: dict[str, frozenset[str]] = {
    "sv": frozenset({"jag", "vi", "min", "mitt", "mina", "vår", "vårt", "våra", "oss", "mig"}),
    "en": frozenset({"i", "we", "my", "our", "us", "me", "i'm", "we're", "i've", "we've"}),
}
# The asker as the one who acts ("vem tar jag frågan med?", "who do we send it to?"): then a
# role named is the one turned to, not the one whose relations are followed.
_ASKER = frozenset({"jag", "vi", "mig", "oss", "i", "we", "me", "us"})
_SITUATION = -1  # the duty index of a situation's terms while a role is indexed


def is_situation(synonym: str, language: Language) -> bool:
    """True for a synonym told in the first person ("vi har inte råd", "I missed the meeting")."""
    first = synonym.split(maxsplit=1)[:1]
    return bool(first) and first[0].casefold() in _FIRST_PERSON.get(language, frozenset())


# Where a thing goes next: "vart ska de?", "where should I send them?", "who should get
# them?", "who do they go to?".
_FORWARD = re.compile(
    r"\bvart (?:ska|skall|skickar|lamnar) (?:jag |vi )?(?:skicka |lamna )?(?:de|dem|dom|den|det)\b"
    r"|\bvem (?:ska|bor) (?:ha|fa|ta emot) (?:de|dem|dom|den|det)\b"
    r"|\bwhere (?:do|does|should|will) (?:they|it|these|this|my \w+|the \w+) go\b"
    r"|\bwhere (?:do|should|can) (?:i|we) (?:send|deliver) (?:them|it|these|this)\b"
    r"|\bwho (?:should|do i|do we) (?:get|have|receive|give) (?:them|it)\b"
    r"|\bwho (?:should|will|is to) (?:get|have|receive) (?:my|our) \w+"
    # The asker sends something named: "vart skickar jag utkastet?", "who do I send my draft
    # to afterwards?".
    r"|\bvart (?:skickar|lamnar|mejlar) (?:jag|vi) \w+(?:et|en|na)\b"
    r"|\bwho (?:do|should|can|shall) (?:i|we) (?:send|give|hand|forward) (?:my|our|the) \w+ to\b"
    r"|\bwho (?:do|does) (?:they|it|these) go to\b"
)
# "Till vem lyfter ordföranden …?", "who does the process leader escalate decisions to?": the
# role asked for is the one the named role's duty sends to.
_TO_WHOM = re.compile(
    r"\btill vem\b|\bmed vem\b|\bto whom\b|\bwith whom\b"
    # "vart tar ordföranden frågor …?": where to ("vart" first; "vårt" folds alike).
    r"|^vart (?:tar|ska|skall|skickar|lyfter|lamnar|vander)\b"
    # "till?"/"to?" ends the question, or its main clause before one of time or condition
    # ("who does the chair take decisions to when they're outside the mandate?").
    r"|\bvem\b.*\b(?:till|med)\s*(?:\??\s*$|,?\s*(?:nar|om|innan|efter)\b)"
    r"|\bwho\b.*\b(?:to|with)\s*(?:\??\s*$|,?\s*(?:when|if|once|before|after)\b)"
    # … or before what it is for: "who does the chair take the proposal to for a decision?".
    r"|\bvem\b.*\btill for \w+\s*\??\s*$|\bwho\b.*\bto for (?:an? )?\w+\s*\??\s*$"
)

# "Who is the process leader the primary contact for?", "vem är processledaren kontakt
# för?", "vems kontaktperson är processledaren?": the role asked for is the one the named
# role's duty is for.
_FOR_WHOM = re.compile(
    r"\bfor vem\b|\bfor whom\b|\bvems\b|\bwhose\b"
    r"|\bvem\b.*\bfor\s*\??\s*$|\bwho\b.*\bfor\s*\??\s*$"
)


# The person asked for is in the asker's own group: "who in our group talks to the board?",
# "vem i gruppen svarar?", "who does the board talk to in our group"; folded. Only the plain
# word for a group: "vem i styrgruppen …" names a body that is a role of its own.
_IN_OUR_GROUP = re.compile(
    r"\b(?:vem|vilka|vilken|who)\b(?:\W+[\w'’]+){0,5}?\W+(?:i|in|inom|within|fran|from)\s+"
    r"(?:(?:var|our|our own|the)\s+)?(?:grupp|gruppen|group)\b"
    # "… alltså från vår sida?", "… eller någon hos oss?": the group's side of a contact.
    r"|\b(?:(?:fran|pa) var sida|hos oss|(?:from|on) our side)\b"
)


# Asked who stands in for someone: taking over, stepping in, or someone away ("vem tar över
# när sekreteraren är borta?", "who covers for the chair?"); folded, both languages.
_STANDS_IN_WORDING = re.compile(
    r"\b(?:tar over|ta over|hoppar in|hoppa in|ersatter|ersatta|vikarierar|vikariera"
    r"|i (?:hans|hennes|hens|dess) stalle"
    r"|ar (?:borta|franvarande|sjuk|ledig|bortrest|tjanstledig|foraldraledig)"
    r"|takes? over|steps? in|fills? in|stands? in|covers? for|replaces?|deputi[sz]es?"
    r"|is (?:away|absent|ill|sick|off|on leave|unavailable|out))\b"
)


class _Wording:
    """What a question's wording says as a whole: asked "to whom" (`_TO_WHOM`), where a
    thing goes next (`_FORWARD`), who stands in for someone (`_STANDS_IN_WORDING`). Each
    pattern is tried only when a rule asks, once: most questions reach none of the rules."""

    __slots__ = ("_question", "_folded", "_found")

    def __init__(self, question: str):
        self._question = question
        self._folded: str | None = None
        self._found: dict[re.Pattern[str], bool] = {}

    def _says(self, pattern: re.Pattern[str]) -> bool:
        found = self._found.get(pattern)
        if found is None:
            if self._folded is None:
                self._folded = fold(self._question)
            found = self._found[pattern] = bool(pattern.search(self._folded))
        return found

    @property
    def to_whom(self) -> bool:
        return self._says(_TO_WHOM)

    @property
    def forward(self) -> bool:
        return self._says(_FORWARD)

    @property
    def for_whom(self) -> bool:
        return self._says(_FOR_WHOM)

    @property
    def stands_in(self) -> bool:
        return self._says(_STANDS_IN_WORDING)

    @property
    def in_our_group(self) -> bool:
        return self._says(_IN_OUR_GROUP)


@dataclass(frozen=True)
class RoleMatch:
    """A role that answers the question, with its score and the duty that matched best.

    `duty` is None when only the title or a synonym matched.
    """

    role_key: str
    score: float
    duty: Localized[str] | None = None
    # Whether a word of the question names the role (its title or a synonym), rather than
    # only sharing words with its duties.
    named: bool = False


@dataclass(frozen=True)
class ContactSearch:
    """What `ContactFinder.find` made of a question.

    `network_key` and `group_key` are the ones the answer is about: the caller's, or the ones
    the question named (`network_named`, `group_named`). `matches` are best first and empty
    when the finder abstains. `language` is the language of the registry texts the question's
    words matched, when they all point one way (it helps with "chair?" or "sekreterare").
    """

    network_key: str
    group_key: str | None
    matches: tuple[RoleMatch, ...]
    network_named: bool = False
    group_named: bool = False
    language: Language | None = None


class ContactFinder:
    """Finds the roles a question is about and answers it, for every network of a registry."""

    def __init__(self, registry: RoleRegistry, examples: Iterable[ExampleQuestion] = ()):
        self.registry = registry
        role_keys = {n.key: {role.key for role in n.roles} for n in registry.networks}
        self._precedents = ExampleIndex(
            examples, lambda network, role: role in role_keys.get(network, ())
        )
        self._analyzer = Analyzer(_swedish_texts(registry))
        # (a name's terms, a network's terms) -> whether the name is ordinary words there.
        self._ordinary: dict[tuple[tuple[frozenset[str], ...], frozenset[str]], bool] = {}
        vocabulary: dict[str, set[Language]] = defaultdict(set)
        role_terms_by_network: dict[str, list[list[tuple[str, float, int | None]]]] = {}
        document_frequency: dict[str, int] = defaultdict(int)
        role_count = 0
        entries_by_network: dict[str, list[RoleEntry]] = {}

        for network in registry.networks:
            entries, all_terms = [], []
            for role in network.roles:
                entry, terms = self._index_role(role, vocabulary)
                entries.append(entry)
                all_terms.append(terms)
                role_count += 1
            entries_by_network[network.key] = entries
            role_terms_by_network[network.key] = all_terms
        _count_terms(
            document_frequency,
            (terms for all_terms in role_terms_by_network.values() for terms in all_terms),
        )

        self._networks: dict[str, NetworkIndex] = {}
        network_names: list[tuple[str, list[frozenset[str]]]] = []
        for network in registry.networks:
            self._networks[network.key] = self._index_network(
                network,
                entries_by_network[network.key],
                role_terms_by_network[network.key],
                document_frequency,
                role_count,
            )
            network_names.extend(
                (network.key, self._analyzer.name_terms(text))
                for text in _names(network.key, network.name, network.aliases)
            )
        self._network_names = Names(network_names)
        self._members: dict[tuple[str, str], tuple[str, ...]] = {
            (network.key, entries[position].role.key): members
            for network in registry.networks
            for entries in [entries_by_network[network.key]]
            for position in range(len(entries))
            if (members := _members(entries, position))
        }
        # The composites of several members, each with its members' titles (in any language),
        # per network: a question naming every member by title asks for the body. One member
        # named with "grupp" ("vem är projektmedlem i vår grupp?") asks for the member.
        self._bodies_by_members: dict[str, list[tuple[str, list[list[frozenset[str]]]]]] = {}
        for network in registry.networks:
            titles = {
                entry.role.key: [frozenset(t) for t in entry.title_words_by_language.values() if t]
                for entry in entries_by_network[network.key]
            }
            self._bodies_by_members[network.key] = [
                (body, [titles.get(m, []) for m in members])
                for (network_key, body), members in self._members.items()
                if network_key == network.key and len(members) > 1
            ]
        self._examples: dict[tuple[str, Language], tuple[str, ...]] = {}
        self._rendered: dict[tuple, tuple] = {}
        # Names are looked up like any word (so "logistik" is known to typo tolerance) but, with
        # no language, say nothing about the language of a question.
        for term in self._network_names.terms.union(
            *(index.group_names.terms for index in self._networks.values())
        ):
            vocabulary.setdefault(term, set())
        self._analyzer.set_vocabulary({t: frozenset(ls) for t, ls in vocabulary.items()})
        self._acting_terms: dict[str, frozenset[str]] = {
            kind: frozenset(
                term
                for language, text in zip(("sv", "en"), texts, strict=True)
                for word in text.split()
                for term in stems(word, language)
            )
            for kind, texts in _ACTING_VERBS.items()
        }
        # Every verb of acting, and the kinds each is of: a question is only asked for an act
        # when one of its terms is one of these.
        self._all_acting_terms = frozenset().union(*self._acting_terms.values())
        self._kinds_of_term: dict[str, frozenset[str]] = {
            term: frozenset(k for k, terms in self._acting_terms.items() if term in terms)
            for term in self._all_acting_terms
        }
        # A question word's own stems that are verbs of acting (`_acting_stems`).
        self._acting_surfaces: dict[str, frozenset[str]] = {}
        self._acting_words = frozenset().union(
            *(terms for kind, terms in self._acting_terms.items() if kind != "carry")
        )
        # A network's name is not a role's word unless a title has it: "what does Best
        # Service do?" asks about the network, though a synonym says "Best Practice".
        titles = role_words(
            role.title.get(language)
            for network in registry.networks
            for role in network.roles
            for language in ("sv", "en")
        )
        network_names = role_words(
            name
            for network in registry.networks
            for name in (network.name.sv, network.name.en, *network.aliases)
        )
        self.role_words = role_words(
            text
            for network in registry.networks
            for role in network.roles
            for language in ("sv", "en")
            for text in (role.title.get(language), *role.synonyms.get(language))
            if not is_situation(text, language)
        ) - (network_names - titles)
        # A message that starts with the imperative of a duty ("boka ett rum åt oss") asks the
        # bot to do a role's work, not who does it.
        self.request_verbs = request_verbs(
            (duty, language)
            for network in registry.networks
            for role in network.roles
            for language in ("sv", "en")
            for duty in role.duties.get(language)
        )

    # -- building ----------------------------------------------------------------------------

    def _index_role(
        self, role: Role, vocabulary: dict[str, set[Language]]
    ) -> tuple[RoleEntry, list[tuple[str, float, int | None]]]:
        """A role's terms as (term, field weight, duty index or None)."""
        entry = RoleEntry(role)
        terms: list[tuple[str, float, int | None]] = []
        fields: list[tuple[str, Language | None, float, int | None]] = []
        for language in ("sv", "en"):
            fields.append((role.title.get(language), language, TITLE_WEIGHT, None))
            fields.extend(
                (s, language, SYNONYM_WEIGHT, None)
                for s in role.synonyms.get(language)
                if not is_situation(s, language)
            )
            # A situation weighs like a duty sentence and, like one, earns a bonus when two or
            # more of the question's words are in it.
            fields.extend(
                (s, language, SITUATION_WEIGHT, _SITUATION)
                for s in role.synonyms.get(language)
                if is_situation(s, language)
            )
            fields.extend(
                (duty, language, DUTY_WEIGHT, i) for i, duty in enumerate(role.duties.get(language))
            )
        fields.append((role.key.replace("_", " "), None, SYNONYM_WEIGHT, None))
        entry.duty_terms = [set() for _ in range(max(len(role.duties.sv), len(role.duties.en)))]
        entry.duty_heads = [set() for _ in entry.duty_terms]
        extra_duty_terms: list[tuple[int, str]] = []
        for language in ("sv", "en"):
            for i, duty in enumerate(role.duties.get(language)):
                first = words(duty)[:2]
                if first and not passive(first[0], language):
                    entry.duty_heads[i].update(stems(first[0], language))
                if first == ["ser", "till"]:  # "Ser till att …" is "Säkerställer att …"
                    entry.duty_heads[i].add(_ENSURES)
                    extra_duty_terms.append((i, _ENSURES))

        situation: set[str] = set()
        for text, language, weight, duty_index in fields:
            word_terms = self._analyzer.index_words(text, language)
            for terms_of_word in word_terms:
                for term in terms_of_word:
                    terms.append((term, weight, duty_index))
                    if language:
                        vocabulary[term].add(language)
                    else:
                        vocabulary.setdefault(term, set())
                    if duty_index == _SITUATION:
                        situation.add(term)
                    elif duty_index is not None:
                        entry.duty_terms[duty_index].add(term)
            if duty_index == _SITUATION:
                entry.situation_terms.append(situation)
                situation = set()
            if weight == TITLE_WEIGHT:
                # "Förvaltnings- och utvecklingsorganisationen" is one name, and so is its
                # English title: "och"/"and" joins two names only where the Swedish title
                # does not join the parts of one word.
                parts = _TITLE_PARTS if not _ONE_WORD_JOINED.search(role.title.sv) else (
                    _TITLE_BRACKETS
                )
                for name in parts.split(text):
                    run = tuple(bare(w) for w in words(name))
                    if run[:1] in LEADING_ARTICLES:
                        run = run[1:]
                    if run:
                        entry.title_runs.append(run)
                    named_by = self._analyzer.index_words(name, language)
                    if named_by:
                        entry.names.append(frozenset(w[0] for w in named_by))
                        if "(" in text and len(named_by) == len(words(name)):
                            # A name in brackets, or before them, is the role's name as the
                            # whole title is ("Kommundirektörsnätverket" of "Uppdragsgivare
                            # (Kommundirektörsnätverket)"), when each of its words counts.
                            entry.phrases.append((entry.names[-1], weight))
                entry.title_terms.update(t for terms_of_word in word_terms for t in terms_of_word)
                entry.title_words.update(terms_of_word[0] for terms_of_word in word_terms)
                entry.title_words_by_language.setdefault(language, set()).update(
                    terms_of_word[0] for terms_of_word in word_terms
                )
            # A one-word synonym is fully matched whenever it matches at all: no bonus for it.
            if duty_index is None and (weight == TITLE_WEIGHT or len(word_terms) > 1):
                entry.phrases.append((frozenset(w[0] for w in word_terms), weight))
        for i, term in extra_duty_terms:
            entry.duty_terms[i].add(term)
        return entry, terms

    def _index_network(
        self,
        network: Network,
        entries: list[RoleEntry],
        role_terms: list[list[tuple[str, float, int | None]]],
        document_frequency: dict[str, int],
        role_count: int,
    ) -> NetworkIndex:
        best_weight: list[dict[str, float]] = []
        network_frequency: dict[str, int] = defaultdict(int)
        for terms in role_terms:
            weights: dict[str, float] = {}
            for term, weight, _ in terms:
                weights[term] = max(weight, weights.get(term, 0.0))
            best_weight.append(weights)
        _count_terms(network_frequency, role_terms)

        size = len(entries)
        term_weight = {}
        for term, in_network in network_frequency.items():
            rarity = math.log(1 + role_count / document_frequency[term])
            specificity = ((size - in_network + 1) / size) ** 2
            term_weight[term] = rarity * specificity

        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for position, weights in enumerate(best_weight):
            for term, weight in weights.items():
                postings[term].append((position, weight))
        phrases: dict[str, list[tuple[int, frozenset[str], float]]] = defaultdict(list)
        for position, entry in enumerate(entries):
            for phrase, weight in entry.phrases:
                bonus = WHOLE_PHRASE_BONUS * weight * sum(term_weight[t] for t in phrase)
                for term in phrase:
                    phrases[term].append((position, phrase, bonus))
            entry.duty_texts = tuple(
                _duty_texts(entry.role, duty) for duty in range(len(entry.duty_terms))
            )
            entry.duty_union = frozenset().union(*entry.duty_terms)
            situations_of_term: dict[str, list[int]] = defaultdict(list)
            for situation, terms in enumerate(entry.situation_terms):
                for term in terms:
                    situations_of_term[term].append(situation)
            entry.situations_of_term = {t: tuple(s) for t, s in situations_of_term.items()}

        group_names = Names(
            (group.key, self._analyzer.name_terms(text))
            for group in network.groups
            for text in _names(group.key, group.name, group.aliases)
        )
        title_use: dict[str, int] = defaultdict(int)
        for entry in entries:
            for term in entry.title_words:
                title_use[term] += 1
        own_title_terms = [
            frozenset(t for t in entry.title_words if title_use[t] == 1) for entry in entries
        ]
        group_roles = {
            group.key: entry.role.key
            for group in network.groups
            for entry in entries
            if any(
                title and title <= {t for w in words(name) for t in stems(w, language)}
                for language, name in (("sv", group.name.sv), ("en", group.name.en))
                for title in [entry.title_words_by_language.get(language)]
            )
        }
        pairs: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        for position, entry in enumerate(entries):
            for language in ("sv", "en"):
                for duty, text in enumerate(entry.role.duties.get(language)):
                    text_words = words(text)
                    for how, target in relations(
                        text_words,
                        lambda at, text_words=text_words, language=language: named_roles(
                            stems(text_words[at], language), entries, own_title_terms
                        ),
                    ):
                        if target != position and (position, duty) not in pairs[(how, target)]:
                            pairs[(how, target)].append((position, duty))
        situation_runs: dict[tuple[str, ...], set[int]] = defaultdict(set)
        for position, entry in enumerate(entries):
            for language in ("sv", "en"):
                for synonym in entry.role.synonyms.get(language):
                    if is_situation(synonym, language):
                        for run in _runs([fold(w) for w in words(synonym)]):
                            situation_runs[run].add(position)
        mentions = [
            [
                sum(
                    1 for other, other_entry in enumerate(entries)
                    if other != position and other_entry.title_terms & terms
                )
                for terms in entry.duty_terms
            ]
            for position, entry in enumerate(entries)
        ]
        title_runs: dict[str, list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
        for position, entry in enumerate(entries):
            for run in entry.title_runs:
                title_runs[run[0]].append((position, run))
        return NetworkIndex(
            title_runs=dict(title_runs),
            situation_runs={run: frozenset(told) for run, told in situation_runs.items()},
            mentions=mentions,
            pairs=dict(pairs),
            group_roles=group_roles,
            own_title_terms=own_title_terms,
            entries=entries,
            postings=dict(postings),
            term_weight=term_weight,
            phrases=dict(phrases),
            role_terms=frozenset(network_frequency),
            own_terms=frozenset(network_frequency) | frozenset(group_names.terms),
            group_names=group_names,
            evidence=RecentlyAsked(_EVIDENCE_LIMIT),
        )

    # -- finding -----------------------------------------------------------------------------

    def find(
        self, question: str, *, network_key: str, group_key: str | None = None
    ) -> ContactSearch:
        """The roles `question` is about, best first, in the network and group it is about.

        `network_key` and `group_key` are the conversation's defaults (the channel's binding);
        a network or group named in the question replaces them. Raises `UnknownNetwork` or
        `UnknownGroup` for keys that are not in the registry.
        """
        return self._find(question, network_key, group_key, language_scores(question).decided)

    def _find(
        self,
        question: str,
        network_key: str,
        group_key: str | None,
        decided: Language | None,
    ) -> ContactSearch:
        """`find`, given what the question's own words say of its language (`decided`)."""
        network = self.registry.network(network_key)
        if group_key is not None:
            network.group(group_key)
        question_words = self._analyzer.query_words(question, decided)

        network_named = False
        consumed: dict[int, set[str]] = defaultdict(set)
        names = frozenset().union(*[word.names for word in question_words])
        named_network = self._named_network(question_words, network_key, names)
        if named_network is not None:
            _consume(consumed, question_words, named_network)
            if named_network.key != network_key:
                network_key, group_key, network_named = named_network.key, None, True
        by_network = {i: set(terms) for i, terms in consumed.items()}
        index = self._networks[network_key]

        named_group = self._named_group(question_words, index, names)
        if named_group is not None:
            _consume(consumed, question_words, named_group)
        # Which group the answer is about: the one precedence every command uses.
        choice = resolve_group(
            self.registry.network(network_key),
            named=named_group.key if named_group is not None else None,
            channel_group=group_key,
            only_group=False,
        )
        group_key = choice.group.key if choice.group is not None else None
        group_named = choice.source == "message"

        scoped_words = (
            [
                w.without(frozenset(consumed[i])) if i in consumed else w
                for i, w in enumerate(question_words)
            ]
            if consumed
            else question_words
        )
        # Short enough to name just a topic, or asks who: one telling word may then suffice.
        asking = len(question_words) <= TOPIC_WORDS or any(
            w.asks_for_someone for w in question_words
        )
        wording = _Wording(question)
        matches = self._rank(index, scoped_words, asking, wording)
        acting_matches = matches  # the question less the names of its network and group
        if consumed and (not matches or not matches[0].named):
            # "vem sitter i e-rådet?", "vilka ingår i styrgruppen?": the group's name is all
            # the question says of a role (nothing, or a duty word), so it names the role.
            unnamed = [
                w.without(frozenset(by_network[i])) if i in by_network else w
                for i, w in enumerate(question_words)
            ]
            named = self._rank(index, unnamed, asking, wording)
            if named and (not matches or named[0].named):
                matches = named
            elif not matches and group_named and group_key in index.group_roles:
                # "vilka är med i beredningsgruppen?": a group that is also a role's body.
                matches = (RoleMatch(index.group_roles[group_key], MIN_SCORE, named=True),)
            elif by_network and not network_named:
                # So does the name of the network asked in, when a role uses it ("Vilka
                # ingår i e-rådet?"); another network's name only moves the question.
                named = self._rank(index, question_words, asking, wording)
                if named and (not matches or named[0].named):
                    matches = named
        # The composite role the question names: by its group's name ("beredningsgruppen")
        # or by its title or a synonym ("the preparation group").
        body = index.group_roles.get(group_key) if group_named else None
        if body is None:
            body = next(
                (
                    m.role_key
                    for m in matches
                    if m.named and (network_key, m.role_key) in self._members
                ),
                None,
            )
        made_up = self._body_of_members_named(network_key, question_words)
        if made_up is not None and (not matches or matches[0].role_key != made_up):
            # "Vilken grupp består av ordförande, vice ordförande och processledare?": every
            # member named, with a word for a body, names the body they make up.
            body = made_up
            matches = (
                RoleMatch(body, matches[0].score if matches else MIN_SCORE, named=True),
                *(m for m in matches if m.role_key != body),
            )[:MAX_MATCHES]
        if (
            body is not None
            and matches
            and matches[0].role_key in self._members.get((network_key, body), ())
            and asks_for_members([w.surface for w in question_words])
        ):
            # "Vilka sitter i beredningsgruppen, är det bara ordföranden?", "who's in the
            # preparation group — the chair, the vice chair and who else?": a member named
            # is a guess at the body's make-up, and the body (which lists them all) answers.
            matches = (
                RoleMatch(body, matches[0].score, named=True),
                *(m for m in matches if m.role_key != body),
            )[:MAX_MATCHES]
        members = self._members.get((network_key, body), ()) if body is not None else ()
        if (
            members
            and matches
            and matches[0].role_key == body
            # Its words as written: "who's in …" asks who is in it, not who acts.
            and asks_who_in_a_body_acts(words(question))
        ):
            # "Vem i beredningen kallar till mötena?": the member who does it, as the question
            # less the body's name ranks them, not the body.
            member = next((m for m in acting_matches if m.role_key in members), None)
            if member is not None:
                matches = (
                    replace(member, score=matches[0].score),
                    *(m for m in matches if m.role_key != member.role_key),
                )[:MAX_MATCHES]
        if (
            len(matches) > 1
            and matches[0].named
            and matches[1].named
            and held_in(
                index,
                words(question),  # "who's" whole: `Word.surface` drops its "'s"
                position_of(index, matches[0].role_key),
                position_of(index, matches[1].role_key),
            )
        ):
            # "Who's the chair of the steering group?": the role held in the body named.
            matches = (replace(matches[1], score=matches[0].score), matches[0], *matches[2:])
        if not matches:
            matches = self._from_examples_alone(question, network_key, scoped_words)
        elif made_up is None:  # told by its make-up, the body is no guess to overrule
            matches = self._heeding_examples(
                question, network_key, matches, scoped_words, wording
            )
        return ContactSearch(
            network_key=network_key,
            group_key=group_key,
            matches=matches,
            network_named=network_named,
            group_named=group_named,
            language=vocabulary_language(question_words),
        )

    def _body_of_members_named(self, network_key: str, question_words: list[Word]) -> str | None:
        """The composite role whose members the question names, each by its whole title, when
        it also says "group" ("grupp", "team"): asked for by what it is made of."""
        bodies = self._bodies_by_members.get(network_key)
        if not bodies or BODY_WORDS.isdisjoint(w.surface for w in question_words):
            return None
        terms = {t for w in question_words for t in w.names}
        return next(
            (
                body
                for body, member_titles in bodies
                if all(any(t <= terms for t in titles) for titles in member_titles)
            ),
            None,
        )

    def _heeding_examples(
        self,
        question: str,
        network_key: str,
        matches: tuple[RoleMatch, ...],
        question_words: list[Word],
        wording: _Wording,
    ) -> tuple[RoleMatch, ...]:
        """`matches` led by the role the nearest example questions agree on, if they clearly
        agree on another role than the best match.

        Members often tell what happened instead of naming a role or a duty ("I'm taking notes
        tomorrow, who gets my draft?"); questions told alike before show whom they are for.
        A role the question names is overruled only by another role the finder also found:
        "who keeps the budget?" is told like "who keeps the member register?", but names
        the budget's role; nor by examples that each name another role by its title
        (`_about_other_roles`). An example that is the same question (`SAME_QUESTION`) is
        followed, unless it names its role by a title word the question lacks
        (`_naming_another`): it was added to correct this very answer. Asked for someone in
        the asker's group (`wording.in_our_group`), a role held network-wide does not overrule
        one held in each group.
        """
        if len(matches) == 1 and matches[0].named:
            # The question names one role and no other matches: only the same question,
            # added to the examples with another role to correct this answer, can change
            # it, and looking that up costs nothing next to a vote (most questions are so).
            corrected = self._precedents.answered_before(question, network_key)
            vote = None if corrected is None else ExampleVote(corrected, 1.0, 1.0)
        else:
            vote = self._precedents.vote(question, network_key)
        if (
            vote is None
            or vote.role_key == matches[0].role_key
            or vote.agreement < EXAMPLES_AGREEMENT
            or vote.closeness < EXAMPLES_CLOSENESS
        ):
            return matches
        found = any(m.role_key == vote.role_key for m in matches)
        if matches[0].named and vote.closeness < SAME_QUESTION and (
            not found or self._about_other_roles(network_key, question, vote.backing)
        ):
            return matches
        if self._naming_another(network_key, question, vote.backing, vote.role_key):
            return matches
        if self._acted_on(network_key, question, vote.backing, vote.role_key):
            return matches
        network = self.registry.network(network_key)
        if (
            network.role(matches[0].role_key).scope == "group"
            and network.role(vote.role_key).scope == "network"
            and wording.in_our_group
        ):
            return matches  # "vem i gruppen …?" is answered by one of the group's roles
        chosen = next((m for m in matches if m.role_key == vote.role_key), None)
        if chosen is None:
            chosen = RoleMatch(
                vote.role_key,
                matches[0].score,
                closest_duty(self._networks[network_key], vote.role_key, question_words),
            )
        return (
            replace(chosen, score=matches[0].score),
            *(m for m in matches if m.role_key != vote.role_key),
        )[:MAX_MATCHES]

    def _from_examples_alone(
        self, question: str, network_key: str, question_words: list[Word]
    ) -> tuple[RoleMatch, ...]:
        """A question the finder has nothing for ("jag blir sjuk och kan inte komma på
        torsdag"), answered by the role of the examples it is told like, when they are close
        and agree."""
        vote = self._precedents.vote(question, network_key)
        if (
            vote is None
            or vote.agreement < EXAMPLES_AGREEMENT
            or vote.closeness < ALONE_CLOSENESS
            or self._about_other_roles(network_key, question, vote.backing)
        ):
            return ()
        return (
            RoleMatch(
                vote.role_key,
                MIN_SCORE,
                closest_duty(self._networks[network_key], vote.role_key, question_words),
            ),
        )

    def _about_other_roles(
        self, network_key: str, question: str, examples: tuple[str, ...]
    ) -> bool:
        """Whether the examples each name a role by its title that the question does not,
        and the question one they do not: "who is on the steering group?" is worded like
        "who is on the preparation group?", but asks about another body."""
        index = self._networks[network_key]
        asked = roles_titled(index, question)
        return bool(asked) and all(
            (told := roles_titled(index, example)) and told.isdisjoint(asked)
            for example in examples
        )

    def _naming_another(
        self, network_key: str, question: str, examples: tuple[str, ...], role_key: str
    ) -> bool:
        """Whether each example names the role it was answered with by a word of its title
        that the question lacks: "vem är vice ordförande …?" is worded as closely as can be
        like "vem är ordförande …?", and is still not the same question."""
        index = self._networks[network_key]
        voted = position_of(index, role_key)
        return (
            voted is not None
            and bool(examples)
            and voted not in roles_titled(index, question)
            and all(voted in roles_titled(index, example) for example in examples)
        )

    def _acted_on(
        self, network_key: str, question: str, examples: tuple[str, ...], role_key: str
    ) -> bool:
        """Whether the question asks who acts on the role voted for, which it names by
        title, and no example asks for that act: "who appoints our meeting organiser?" is
        worded like "who is our meeting organiser?", but asks for the one who appoints."""
        asked = self._acts_in(question)
        if not asked:
            return False
        index = self._networks[network_key]
        voted = position_of(index, role_key)
        if voted is None:
            return False
        terms = stems_in(question)
        entries = index.entries
        # Not as a part of a longer name told ("styrelsen" of "styrelsens kontaktperson").
        told = [name for entry in entries for name in entry.names if name <= terms]
        return (
            # By a word only its title has, or by its whole title ("chair" is also the vice
            # chair's word).
            (voted in roles_titled(index, question)
             or names_whole_title(entries[voted], terms))
            and not any(
                name < longer for name in entries[voted].names if name <= terms
                for longer in told
            )
            and all(asked.isdisjoint(self._acts_in(example)) for example in examples)
        )

    def _acts_in(self, text: str) -> frozenset[str]:
        """The verbs of acting in `text` (`_ACTING_VERBS`, but those that only carry)."""
        return self._acting_words.intersection(stems_in(text))

    def named_group(self, text: str, *, network_key: str) -> str | None:
        """The key of the group of `network_key` that `text` names anywhere, if any
        ("dagordning för VNS", "what's on the agenda for Logistics?", "e-rådsmötet")."""
        question_words = self._analyzer.query_words(text, language_scores(text).decided)
        # Unlike in a question, a name that is also an ordinary word of the network
        # ("beredningen") is the group here: a command asks about a group, not a duty.
        found = self._networks[network_key].group_names.find(question_words)
        return max(found, key=lambda m: len(m.name)).key if found else None

    def _acting(
        self,
        index: NetworkIndex,
        asked_terms: set[str],
        naming: dict[int, set[str]],
        owners: set[int],
        titled: set[int],
        ranked: list[int],
        wording: _Wording,
        objects: frozenset[str] = frozenset(),
        asker_acts: bool = False,
        not_actors: frozenset[int] = frozenset(),
    ) -> tuple[int, int] | None:
        """The role that acts on a role the question names, and the duty that says so.

        "vem väljer ordförande?": a duty of another role elects (or decides about) a role
        named in the question. "vem tar emot sekreterarens utkast?" and "till vem lyfter
        ordföranden beslut?": a duty of the named role sends to the role asked for. None when
        the question asks for no such act, or no duty does it. `asked_terms` are the
        question's terms and own stems that are verbs of acting (`_all_acting_terms`).
        """
        if not asked_terms:
            return None  # no verb of acting: most questions
        # Words that name a role by its whole title ("the election committee") ask for no act.
        verbs = asked_terms.difference(*(naming.get(p, ()) for p in titled))
        kinds = set().union(*map(self._kinds_of_term.__getitem__, verbs))
        if not kinds or (kinds <= _WEAK_KINDS and not titled):
            # "vem ser till att medlemsregistret är aktuellt?" asks who keeps it up to date:
            # making sure acts on no role unless one is named.
            return None
        acting_terms = frozenset().union(*(self._acting_terms[k] for k in kinds))
        entries = index.entries
        # A word of a role's whole title names only that role ("meeting organiser" is not
        # the "organisation" of another title, nor the "meeting" of another role's duty).
        by_title = set().union(*(naming.get(p, ()) for p in titled))
        named = {
            position: (terms | index.own_title_terms[position]) - acting_terms
            for position, terms in naming.items()
            if position in titled or position in owners or not terms <= by_title
        }
        if "receive" in kinds or (kinds.intersection(_SENDING_KINDS) and wording.to_whom):
            sending = self._acting_terms["send"] | self._acting_terms["inform"]
            if wording.to_whom:
                sending |= self._acting_terms["carry"]
            # Only a role the question names outright sends: its owner ("sekreterarens
            # utkast"), its whole title or a word only its title has; a role matched by a
            # synonym ("the meeting") is not the sender of "who should get it?".
            order = sorted(
                (p for p in named
                 if p in owners or p in titled or naming[p] & index.own_title_terms[p]),
                key=lambda p: (p not in owners, rank_of(ranked, p)),
            )
            # The role a duty sends to ("… till ledningsgruppen") before any other it names
            # ("tillsammans med föredraganden").
            asked_verb = acting_terms & asked_terms
            for position in order:
                # The duty with the very verb asked about first ("delegera … till?": the
                # duty that delegates, not the one that takes decisions further).
                for duty, terms in sorted(
                    enumerate(entries[position].duty_terms),
                    key=lambda item: not item[1] & asked_verb,
                ):
                    if not terms & sending:
                        continue
                    for (how, other), doers in index.pairs.items():
                        if how == "to" and other != position and (position, duty) in doers:
                            return other, duty_of(entries[other], index.own_title_terms[other])
                    if terms & asked_verb:
                        for other, entry in enumerate(entries):
                            own = index.own_title_terms[other]
                            if other != position and own & terms:
                                return other, duty_of(entry, own)
            sending = self._acting_terms["send"]
            for position in order:
                for terms in entries[position].duty_terms:
                    if not terms & sending:
                        continue
                    for other, entry in enumerate(entries):
                        own = index.own_title_terms[other]
                        if other != position and own & terms:
                            return other, duty_of(entry, own)
            if wording.to_whom and not asker_acts:
                # "Who does the chair report the group's work to?": the named role has no duty
                # that sends, but one that relates it to another role ("the group's contact
                # towards the board"): that role is the one it turns to.
                for position in order:
                    for (how, other), doers in index.pairs.items():
                        if how in ("to", "towards") and other != position and any(
                            doer == position for doer, _ in doers
                        ):
                            return other, duty_of(entries[other], index.own_title_terms[other])
        kinds.discard("carry")  # takes something somewhere only when asked "to whom"
        if not kinds:
            return None
        answering = frozenset().union(*(_ANSWERED_BY.get(k, frozenset()) for k in kinds))
        if not answering:
            return None
        own_kind_terms = acting_terms & asked_terms
        kind_terms = frozenset().union(*(self._acting_terms[k] for k in kinds))
        answering_terms = frozenset().union(*(self._acting_terms[k] for k in answering))
        best: tuple[tuple, int, int] | None = None
        # "vem bestämmer vilka projekt som startas?": the duty that decides on projects
        # answers, whichever roles the others name; not so for a role chosen.
        chooses_a_thing = bool(objects) and not any(
            objects & own for own in index.own_title_terms
        )
        # Each duty that uses a verb of an answering kind, in the roles' and duties' order.
        answering_duties = index.answering_duties.get(answering)
        if answering_duties is None:
            answering_duties = index.answering_duties[answering] = tuple(
                (position, duty)
                for position, entry in enumerate(entries)
                for duty, terms in enumerate(entry.duty_terms)
                if terms & answering_terms
            )
        for position, duty in answering_duties:
            if position in not_actors:
                continue  # the one who wants it done, or the asker: not the one who does it
            entry = entries[position]
            terms = entry.duty_terms[duty]
            head = entry.duty_heads[duty]
            if head & own_kind_terms:
                verb = 4  # the very verb asked about leads the duty
            elif head & kind_terms:
                verb = 3
            elif terms & own_kind_terms:
                verb = 2  # the very verb, later ("ser till att ansvaret fördelas")
            elif head & answering_terms:
                verb = 1
            else:
                verb = 0  # the verb is elsewhere in the duty, or a noun ("beslut")
            names = sum(
                1 for other, other_terms in named.items()
                if other != position and other_terms & terms
                and any(name <= terms for name in entries[other].names)
            )
            mentions = index.mentions[position][duty]
            # The role named right after the verb is the one acted on ("vem utser
            # ordförande i e-rådet?": the chair, not the council).
            acted_on = bool(objects & terms)
            key = (
                names > 0 or (acted_on and chooses_a_thing),
                acted_on and verb > 0,
                verb,
                acted_on,
                names,
                -mentions,
                -rank_of(ranked, position),
            )
            if best is None or key > best[0]:
                best = (key, position, duty)
        if best is None:
            return None
        (names, _, verb, acted_on, *_), position, duty = best
        top = ranked[0]
        if kinds <= _WEAK_KINDS and any(
            terms & kind_terms for terms in entries[top].duty_terms
        ):
            return _ACTS_ITSELF
        top = ranked[0]
        if not names:
            # No duty does it to a role the question names. The very verb asked about leads
            # another role's duty, and the role named has nothing to do with it ("who
            # commissions the work the chair plans?"): that role. Else the finder's answer.
            top_concerned = any(head & kind_terms for head in entries[top].duty_heads)
            if top_concerned and top not in not_actors:
                return _ACTS_ITSELF
            if not (verb in (4, 2) or (verb == 3 and top in titled)) or not naming.get(top):
                return None
            return position, duty
        # A role whose own duty does what is asked stays, unless the question names it by
        # its title as the one acted on ("vem bestämmer vilka som sitter i styrgruppen?").
        named_by_title = top in titled or any(
            term.startswith(word)  # the two stemmers may leave a letter more ("-grupp")
            for term in naming.get(top, ())
            for word in entries[top].title_words
            if len(word) >= MIN_COMPOUND_ENDING
        )
        top_acts = [terms for terms in entries[top].duty_terms if terms & kind_terms]
        if not named_by_title and top_acts and top not in not_actors and (
            not acted_on or any(objects & terms for terms in top_acts)
        ):
            return _ACTS_ITSELF
        return position, duty

    def _answering_terms(self, asked_terms: set[str]) -> frozenset[str]:
        """The verbs of the kinds of act that answer the acts a question asks about
        (`_ANSWERED_BY`: "bestämmer" is answered by a duty that decides, elects or approves)."""
        asked_kinds = {k for k, terms in self._acting_terms.items() if terms & asked_terms}
        return frozenset().union(
            *(self._acting_terms[a] for k in asked_kinds for a in _ANSWERED_BY.get(k, ()))
        )

    def _acting_stems(self, surface: str) -> frozenset[str]:
        """A question word's own stems in both languages (`stems`) that are verbs of acting
        ("utser", "appoints"; mostly none), remembered for words of ordinary length."""
        known = self._acting_surfaces.get(surface)
        if known is None:
            known = _shared(
                self._all_acting_terms.intersection(stems(surface, "sv") + stems(surface, "en"))
            )
            if len(surface) <= _REMEMBERED_SURFACE_LENGTH:
                if len(self._acting_surfaces) >= _EVIDENCE_LIMIT:
                    self._acting_surfaces.clear()  # members' words are open-ended: start afresh
                self._acting_surfaces[surface] = known
        return known

    def _named_network(
        self, question_words: list[Word], current: str, names: frozenset[str]
    ) -> NameMatch | None:
        """The network the question names: the current one if named, else the longest other.
        `names`: every term of the words' names (`Names.find`)."""
        current_terms = self._networks[current].own_terms
        others: list[NameMatch] = []
        for match in self._network_names.find(question_words, names):
            if match.key == current:
                return match
            if not self._ordinary_words(match.name, current_terms):
                others.append(match)
        return max(others, key=lambda m: len(m.name), default=None)

    def _named_group(
        self, question_words: list[Word], index: NetworkIndex, names: frozenset[str]
    ) -> NameMatch | None:
        found = [
            m
            for m in index.group_names.find(question_words, names)
            if not self._ordinary_words(m.name, index.role_terms)
        ]
        return max(found, key=lambda m: len(m.name), default=None)

    def _ordinary_words(self, name: list[frozenset[str]], terms: frozenset[str]) -> bool:
        """`_ordinary_words`, remembered: both come from the registry (a network's or group's
        name, a network's terms), so there are only so many pairs, and comparing a name's
        words with every ending of a network's terms is the costliest step of a question."""
        key = (tuple(name), terms)
        known = self._ordinary.get(key)
        if known is None:
            known = self._ordinary[key] = _ordinary_words(name, terms)
        return known

    def _rank(
        self,
        index: NetworkIndex,
        question_words: list[Word],
        asking: bool,
        wording: _Wording,
    ) -> tuple[RoleMatch, ...]:
        scores: dict[int, float] = {}
        matched: dict[int, set[str]] = {}
        matched_words: dict[int, int] = {}
        strongest_field: dict[int, float] = {}
        question_terms: set[str] = set()
        naming: dict[int, set[str]] = defaultdict(set)  # the terms that name each role
        owners: set[int] = set()  # roles named in the genitive ("sekreterarens utkast")
        after_verb_naming: list[tuple[frozenset[str], tuple[int, ...]]] = []
        after_verb = False
        verb_at = -1  # the first verb of acting
        # (word index, what the word says) of each word that names roles by title
        titled_at: list[tuple[int, WordEvidence]] = []
        surfaces = [word.surface for word in question_words]
        evidences: list[WordEvidence] = []  # what each word says
        # Verbs of acting are seldom registry words, so the question's own stems are read too.
        asked_terms: set[str] = set()  # the verbs of acting the question holds
        for at, word in enumerate(question_words):
            acting_stems = self._acting_stems(word.surface)
            if acting_stems:
                asked_terms |= acting_stems
                if not after_verb:
                    after_verb = not acting_stems.isdisjoint(self._acting_words)
                    verb_at = at
            if not word.readings:  # "vem", "the": says nothing of any role
                evidences.append(NO_EVIDENCE)
                continue
            evidence = index.evidence.get(word)
            if evidence is None:
                evidence = index.evidence.put(word, _word_evidence(index, word))
            evidences.append(evidence)
            question_terms |= evidence.terms
            for position, value in evidence.strongest:
                if value > strongest_field.get(position, 0.0):
                    strongest_field[position] = value
            for position in evidence.named:
                naming[position] |= evidence.naming_terms
            if evidence.titled and not word.genitive:
                if after_verb:
                    after_verb_naming.append((evidence.naming_terms, evidence.titled))
                titled_at.append((at, evidence))
            for position, terms in evidence.owned:
                naming[position] |= terms
                owners.add(position)
            for position, value, terms in evidence.best:
                if position in scores:
                    scores[position] += value
                    matched[position].update(terms)
                    matched_words[position] += 1
                else:
                    scores[position] = value
                    matched[position] = set(terms)
                    matched_words[position] = 1

        if index.situation_runs and len(surfaces) >= SITUATION_RUN:
            # Each run told adds its bonus: the longer the situation told again, the surer.
            for run in _runs([fold(s) for s in surfaces]):
                for position in index.situation_runs.get(run, ()):
                    scores[position] = scores.get(position, 0.0) + SITUATION_RUN_BONUS
                    matched.setdefault(position, set())
                    matched_words[position] = max(2, matched_words.get(position, 0))
                    strongest_field.setdefault(position, SITUATION_WEIGHT)

        # The best whole phrase of each role that the question contains.
        phrase_bonus: dict[int, float] = {}
        for term in question_terms:
            for position, phrase, bonus in index.phrases.get(term, ()):
                if bonus > phrase_bonus.get(position, 0.0) and phrase <= question_terms:
                    phrase_bonus[position] = bonus

        for position, bonus in phrase_bonus.items():
            if position in scores:
                scores[position] += bonus
        # The terms of the first word after a verb of acting that names a role whose whole
        # title the question holds: the role acted on ("vem utser ordförande i e-rådet?").
        objects = next(
            (
                whole
                for whole, positions in after_verb_naming
                if any(
                    position in phrase_bonus
                    or any(
                        title and title <= whole
                        for title in index.entries[position].title_words_by_language.values()
                    )
                    for position in positions
                )
            ),
            frozenset(),
        )
        chosen_at = verb_at + 2
        if verb_at >= 0 and chosen_at < len(surfaces) and surfaces[verb_at + 1] in WHICH_THING:
            # "vem bestämmer vilka representanter som ska sitta i rådet?": what is chosen is
            # the thing after "vilka", not the role where it goes.
            objects = evidences[chosen_at].terms

        duties: dict[int, int | None] = {}
        term_weight = index.term_weight
        for position, terms in matched.items():
            # A duty shares at most the role's matched terms, and two earn the bonus: the duty
            # of a role matched by one term is only looked for if the role is in the answer.
            if len(terms) >= 2:
                duties[position], shared, value = _best_duty(
                    term_weight, index.entries[position], terms
                )
                situation = _best_situation(term_weight, index.entries[position], terms)
                if situation > value or shared < 2:
                    value = situation
                if value:
                    scores[position] += SAME_DUTY_BONUS * DUTY_WEIGHT * value

        # Best first; equal scores in the roles' order (a stable sort of the sorted positions).
        ranked = sorted(sorted(scores), key=scores.__getitem__, reverse=True)
        if not ranked or scores[ranked[0]] < MIN_SCORE:
            return ()
        asked_terms |= self._all_acting_terms.intersection(question_terms)
        if "ser" in surfaces and any(
            a == "ser" and b == "till" for a, b in zip(surfaces, surfaces[1:], strict=False)
        ):
            asked_terms.add(_ENSURES)
        # Words that name a role by its whole title (alone, or in a phrase of several), or by
        # a word of it no other title has, with every role they name by title: "projektet"
        # names no one; "the board" names the board and the board's contact person.
        whole_titled = [
            (at, evidence.titled, [
                p for p in evidence.titled if p in phrase_bonus or p in evidence.strictly_titled
            ])
            for at, evidence in titled_at
        ]
        whole = {  # words naming a role by its whole title, not by one word of it
            at for at, evidence in titled_at
            if evidence.whole_titled or not phrase_bonus.keys().isdisjoint(evidence.titled)
        }
        not_actors = roles_not_acting(
            question_words,
            [(at, positions, at in whole) for at, positions, strict in whole_titled if strict],
        )
        # "Kommundirektörerna vill ha en lägesrapport": the subject who wants something, named
        # by a synonym, is not whom to ask either.
        not_actors |= wanting_subject(surfaces, evidences)
        # Only the very role so named: another rule may still answer a role sharing its word.
        not_actors_named = roles_not_acting(
            question_words,
            [(at, strict, at in whole) for at, _, strict in whole_titled if strict],
        )
        acting = together_with(index, surfaces, evidences, scores)
        if acting is None and wording.stands_in:
            acting = standing_in(
                index, [p for at, _, strict in whole_titled if at in whole for p in strict]
            )
        # Where the role a question asks to fill is named, if it asks who fills one.
        # "Vem bestämmer vem som blir ekonomiansvarig?", "who decides who becomes
        # secretary?": the act chooses who holds a role. The first role named after "vem"/"who"
        # is the one filled, not the one choosing (its own duty that "beslutas" chooses
        # nothing); "who will chair the steering group?" fills the chair, and the group is only
        # where. "who assigns the secretary role?" and "who hands out the meeting organiser
        # job?" do the same (verbs read by their form: "assignment" is no act).
        if verb_at >= 0 and verb_at + 1 < len(surfaces) and (
            surfaces[verb_at + 1] in WHO_HOLDS or among_us(surfaces[verb_at + 1:])
        ):
            filled_after = verb_at + 1
        elif verb_at >= 0 and self._acting_stems(surfaces[verb_at]) & self._acting_terms["elect"]:
            # "vem utser ordförande?", "who appoints the secretary?": electing fills the role
            # named after the verb, so a duty that elects that very role answers, else the one
            # that shares out the group's tasks.
            filled_after = verb_at
        else:
            filled_after = next(
                (at for at, s in enumerate(surfaces)
                 if s in ASSIGNS or tuple(surfaces[at:at + 2]) in HANDS_OUT),
                -1,
            )
        if acting is None and filled_after >= 0:
            filled = next(
                (strict for at, _, strict in whole_titled if at > filled_after and strict), []
            )
            # "who decides which of us becomes the meeting coordinator?": one of the group,
            # whatever the task is called, is chosen by the role that shares out its tasks.
            # When no duty chooses, the rules for acts below answer as before: the next role
            # that merely matches is no better a guess.
            if filled or among_us(surfaces[filled_after:]):
                acting = choosing_holder(
                    index,
                    filled,
                    not_actors | frozenset(filled),
                    ranked,
                    self._acting_terms["elect"] | self._acting_terms["decide"]
                    | self._acting_terms["approve"],
                    self._acting_terms["distribute"],
                )
        if acting is None:
            acting = self._acting(
                index, asked_terms, naming, owners, set(phrase_bonus), ranked, wording, objects,
                asker_acts=any(w.surface in _ASKER for w in question_words),
                not_actors=not_actors,
            )
        if acting is _ACTS_ITSELF:
            acting = (ranked[0], duties.get(ranked[0]))
        if acting is None:
            acting = title_begun(index, surfaces, ranked)
        if acting is None and wording.for_whom:
            acting = duty_is_for(
                index, surfaces, [p for at, _, strict in whole_titled if at in whole
                                  for p in strict]
            )
        if acting is None:
            acting = related(index, question_words, surfaces, evidences, scores)
        if acting is None:
            acting = towards(index, surfaces, evidences, scores, ranked)
        if acting is None:
            acting = membership(question_words, scores, strongest_field, ranked)
        if (acting is None or acting[0] == ranked[0]) and wording.forward and _best_situation(
            term_weight, index.entries[ranked[0]], matched[ranked[0]]
        ) <= _best_duty(term_weight, index.entries[ranked[0]], matched[ranked[0]])[2]:
            # Not when what the asker tells is a situation of the best role itself ("I wrote
            # down what was said, who should get it?" is the receiver's).
            acting = forwarded(index, ranked[0], self._acting_terms["send"]) or acting
        # "… – styrelsen eller vår ekonomiansvarig?", "the board or our chair?": the answer
        # is one of the roles offered.
        offered = roles_offered(question_words, whole_titled)
        if offered and (acting[0] if acting else ranked[0]) not in offered:
            # The one whose duty does what is asked ("bestämmer": "Beslutar om extra medel"),
            # else the one the question matches best.
            answering = self._answering_terms(asked_terms)
            best_offered = max(offered, key=lambda p: (
                any(head & answering for head in index.entries[p].duty_heads),
                scores.get(p, 0.0),
                -p,
            ))
            if scores.get(best_offered, 0.0) >= MIN_SCORE:
                acting = (best_offered, duties.get(best_offered))
        if acting is not None and acting[0] in not_actors_named:
            acting = None  # a rule chose the asker, or the one who wants something done
        if acting is None and objects and any(
            title and title <= objects
            for title in index.entries[ranked[0]].title_words_by_language.values()
        ):
            # "Vem stöttar ordföranden administrativt?": the role named right after the verb
            # is the one acted on; the next role with a duty of that kind of act answers.
            doing = self._answering_terms(asked_terms)
            acting = next(
                (
                    (p, duty)
                    for p in ranked[1:]
                    if scores[p] >= MIN_SCORE
                    for duty, terms in enumerate(index.entries[p].duty_terms)
                    if terms & doing
                ),
                None,
            )
        if acting is None and ranked[0] in not_actors:
            # "Jag är ny som projektledare och vill gå en kurs": the role the asker is, or the
            # one who wants something done, is not whom to ask; the next role that matches is.
            acting = next(
                ((p, duties.get(p)) for p in ranked[1:]
                 if p not in not_actors and scores[p] >= MIN_SCORE),
                None,
            ) or most_dealing_with(index, ranked[0], not_actors)
        if (
            (acting is None or index.entries[acting[0]].role.scope == "network")
            and index.entries[ranked[0]].role.scope == "network"
            and wording.in_our_group
        ):
            # "Who in our group talks to the board?": one of the group's own roles, the best
            # that matches at all, not the board's contact.
            acting = next(
                ((p, duties.get(p)) for p in ranked[1:]
                 if index.entries[p].role.scope == "group" and scores[p] >= MIN_SCORE),
                acting,
            )
        if acting is not None and acting[0] != ranked[0]:
            position, duty = acting
            scores[position] = scores[ranked[0]] + SAME_DUTY_BONUS
            duties[position] = duty
            matched.setdefault(position, set())
            strongest_field.setdefault(position, DUTY_WEIGHT)
            matched_words[position] = max(2, matched_words.get(position, 0))
            ranked = [position, *(p for p in ranked if p != position)]
        top = ranked[0]
        if not asking and strongest_field[top] < SYNONYM_WEIGHT and matched_words[top] < 2:
            return ()
        floor = max(MIN_SCORE, RUNNER_UP_SHARE * scores[top])
        matches = []
        for position in ranked[:MAX_MATCHES]:
            score = scores[position]
            if score >= floor:
                entry = index.entries[position]
                if position in duties:
                    duty = duties[position]
                else:
                    duty = _best_duty(term_weight, entry, matched[position])[0]
                matches.append(
                    RoleMatch(
                        role_key=entry.role.key,
                        score=round(score, 3),
                        duty=None if duty is None else entry.duty_texts[duty],
                        named=strongest_field.get(position, 0.0) >= SYNONYM_WEIGHT,
                    )
                )
        return tuple(matches)

    # -- answering ---------------------------------------------------------------------------

    def answer(
        self,
        question: str,
        *,
        network_key: str,
        group_key: str | None = None,
        language: Language | None = None,
        today: date,
        hint: str | None = None,
    ) -> Reply:
        """The bot's reply to a "who do I contact?" question, with `reply.contact` set.

        `language` forces the reply language; otherwise the question decides, then the words it
        matched, then `hint` (the client's locale), then Swedish. `today` decides whose terms
        of office are current. Raises `UnknownNetwork`/`UnknownGroup` for unknown keys.
        """
        decided = language_scores(question).decided
        search = self._find(question, network_key, group_key, decided)
        language = language or decided or search.language or language_from_locale(hint) or "sv"
        network = self.registry.network(search.network_key)
        if not search.matches:
            return self._abstain(network, search, language)

        best = search.matches[0]
        # What is said about the best role depends on the registry (this finder's), the
        # role, its duty, the group, the language and the day, never on the question's
        # words: written once, kept for the finder's lifetime (at most _RENDERED_LIMIT).
        key = (network.key, search.group_key, best.role_key, best.duty, language, today)
        about = self._rendered.get(key)
        if about is None:
            if len(self._rendered) >= _RENDERED_LIMIT:
                self._rendered.clear()
            about = self._rendered[key] = self._about_role(
                network, search.group_key, best, language, today
            )
        text, group_key, holders, deputies = about
        contact = ContactAnswer(
            roles=tuple(m.role_key for m in search.matches),
            network_key=network.key,
            group_key=group_key,
            holders=holders,
            deputies=deputies,
        )
        return Reply(text=text, language=language, contact=contact)

    def _about_role(
        self,
        network: Network,
        search_group_key: str | None,
        best: RoleMatch,
        language: Language,
        today: date,
    ) -> tuple[str, str | None, tuple[Assignment, ...], tuple[Assignment, ...]]:
        """The answer's text about `best`, the group it is about, holders and deputies."""
        role = network.role(best.role_key)
        if role.scope == "group" and search_group_key is None and network.groups:
            return _per_group_text(network, role, best, language, today), None, (), ()

        group_key = search_group_key if role.scope == "group" else None
        holders = network.holders(role.key, group_key, today)
        deputies = network.holders(role.key, group_key, today, deputies=True)
        scope = _scope(network, group_key, language)
        title = escape(role.title.get(language))
        members = self._members.get((network.key, role.key), ())
        member_holders = tuple(
            a for key in members for a in _holders(network, key, search_group_key, today)
        )
        if holders:
            paragraphs = [
                render("held_by", language, role=title, scope=scope, people=_people(holders))
            ]
        elif not member_holders:
            paragraphs = [render("vacant", language, role=title, scope=scope)]
        else:
            paragraphs = []
        if members:
            # A composite role is its members: name them, and who holds each.
            paragraphs.append(
                _members_text(network, role, members, search_group_key, language, today, scope)
            )
        if deputies:
            paragraphs.append(render("deputies", language, people=_people(deputies)))
        if not holders and not member_holders:
            paragraphs.append(_ask_instead(network, role, group_key, language, today))
        holders = holders + member_holders
        paragraphs.append(_duty_line(role, best, language))
        return "\n\n".join(p for p in paragraphs if p), group_key, holders, deputies

    def _abstain(self, network: Network, search: ContactSearch, language: Language) -> Reply:
        """Say so, and offer example questions (from the registry) that this finder answers."""
        suggestions = self.example_questions(network.key, language)
        lines = [render("unknown", language)]
        if suggestions:
            lines.append(render("suggest", language, network=escape(network.name.get(language))))
            lines.append(
                "\n".join(render("suggestion_line", language, question=q) for q in suggestions)
            )
        contact = ContactAnswer(roles=(), network_key=network.key, group_key=search.group_key)
        return Reply(
            text="\n\n".join(lines), language=language, contact=contact, suggestions=suggestions
        )

    def example_questions(self, network_key: str, language: Language) -> tuple[str, ...]:
        """Up to three "Vem är <role>?" questions for roles of the network, each checked to
        be answered with its own role, so that a suggestion never leads to another dead end."""
        # Each check is a whole question: worked out once per network and language, since the
        # finder (and so every answer) stays the same for its registry.
        known = self._examples.get((network_key, language))
        if known is None:
            known = self._examples[(network_key, language)] = self._example_questions(
                network_key, language
            )
        return known

    def _example_questions(self, network_key: str, language: Language) -> tuple[str, ...]:
        network = self.registry.network(network_key)
        questions: list[str] = []
        for role in network.roles:
            question = render(
                "example", language, role=role_in_question(role.title.get(language), language)
            )
            found = self.find(question, network_key=network_key).matches
            if found and found[0].role_key == role.key:
                questions.append(question)
            if len(questions) == MAX_SUGGESTIONS:
                break
        return tuple(questions)


# -- helpers: names ------------------------------------------------------------------------


_REMEMBERED_SURFACE_LENGTH = 40  # longer question words are not remembered (like `fold`)


def _names(key: str, name: Localized[str], aliases: Iterable[str]) -> list[str]:
    """Every way a network or group is named: its key, its names, its aliases."""
    return list(dict.fromkeys([key.replace("_", " "), name.sv, name.en, *aliases]))


def _swedish_texts(registry: RoleRegistry) -> Iterable[str]:
    """The registry texts whose words Swedish compounds may be split into."""
    for network in registry.networks:
        yield from _names(network.key, network.name, network.aliases)
        for group in network.groups:
            yield from _names(group.key, group.name, group.aliases)
        for role in network.roles:
            yield role.title.sv
            yield from role.synonyms.sv
            yield from role.duties.sv


def _ordinary_words(name: list[frozenset[str]], terms: frozenset[str]) -> bool:
    """True when every telling word of a name is also an ordinary word of the given texts:
    one of them, or the last part of one of their compounds ("projektet" in
    "utvecklingsprojekt")."""
    telling = [w for w in name if not all(carries_no_role_information(t) for t in w)]
    return bool(telling) and all(_ordinary_word(w, terms) for w in telling)


def _ordinary_word(word_terms: frozenset[str], terms: frozenset[str]) -> bool:
    if word_terms & terms:
        return True
    endings = [t for t in word_terms if len(t) >= MIN_COMPOUND_ENDING]
    return any(term.endswith(ending) for term in terms for ending in endings)


def _consume(consumed: dict[int, set[str]], question_words: list[Word], match: NameMatch) -> None:
    for offset, word_terms in enumerate(match.name):
        position = match.start + offset
        consumed[position] |= word_terms & question_words[position].names


def _word_evidence(index: NetworkIndex, word: Word) -> WordEvidence:
    """What `word` says about each role of the network, whatever else the question says.

    A reading's terms count by their weight, the reading's quality and the field each role
    uses them in; a role is credited with the word's best reading for it.
    """
    best: dict[int, tuple[float, tuple[str, ...]]] = {}
    strongest: dict[int, float] = {}
    terms: set[str] = set()
    whole: set[str] = set()
    for reading in word.readings:
        terms.update(reading.terms)
        if len(reading.terms) == 1:
            whole.update(reading.terms)
        evidence: dict[int, float] = {}
        for term in reading.terms:
            term_postings = index.postings.get(term)
            if term_postings is None:
                continue
            weight = index.term_weight[term] * reading.quality
            for position, field_weight in term_postings:
                if word.genitive:  # an owner, not the role asked for
                    field_weight = min(field_weight, DUTY_WEIGHT)
                evidence[position] = evidence.get(position, 0.0) + weight * field_weight
                if field_weight > strongest.get(position, 0.0):
                    strongest[position] = field_weight
        for position, value in evidence.items():
            if value > best.get(position, (0.0,))[0]:
                best[position] = (value, reading.terms)
    terms_of_word = frozenset(terms)
    # Evidence is kept for many words: an empty set, or one equal to another, is shared.
    whole_terms = terms_of_word if whole == terms else _shared(frozenset(whole))
    titled = tuple(p for p, value in strongest.items() if value >= TITLE_WEIGHT)
    whole_title_of = _shared(frozenset(
        p for p, entry in enumerate(index.entries) if names_whole_title(entry, terms_of_word)
    ))
    whole_titled = _shared(whole_title_of.intersection(titled))
    strictly_titled = whole_titled.union(
        p for p in titled if index.own_title_terms[p] & terms_of_word
    )
    return WordEvidence(
        best=tuple((position, value, ts) for position, (value, ts) in best.items()),
        strongest=tuple(strongest.items()),
        terms=terms_of_word,
        whole=whole_terms,
        naming_terms=whole_terms or terms_of_word,
        named=tuple(p for p, value in strongest.items() if value >= SYNONYM_WEIGHT),
        titled=titled,
        whole_titled=whole_titled,
        strictly_titled=whole_titled if strictly_titled == whole_titled else strictly_titled,
        owned=tuple(
            (position, frozenset(ts))
            for position, (_, ts) in best.items()
            if word.genitive and index.own_title_terms[position] & set(ts)
        ),
        whole_title_of=whole_title_of,
        relation_targets=named_roles(terms_of_word, index.entries, index.own_title_terms),
    )


_NO_TERMS: frozenset = frozenset()


def _shared(found: frozenset) -> frozenset:
    """`found`, or the one shared empty set."""
    return found or _NO_TERMS


def _best_duty(
    term_weight: dict[str, float], entry: RoleEntry, matched: set[str]
) -> tuple[int | None, int, float]:
    """The duty sentence sharing the most telling terms with the question.

    Returns its position (None if no duty shares a term), how many terms it shares and their
    summed weight.
    """
    best: tuple[int | None, int, float] = (None, 0, 0.0)
    if entry.duty_union.isdisjoint(matched):
        return best  # no duty shares a term
    for position, terms in enumerate(entry.duty_terms):
        shared = terms & matched
        if not shared:  # scores 0.0, which never beats `best`: most duties share nothing
            continue
        # Every duty term is a term of the network, so it has a weight.
        value = sum(map(term_weight.__getitem__, shared))
        if value > best[2]:
            best = (position, len(shared), value)
    return best


def _count_terms(
    frequency: dict[str, int], roles_terms: Iterable[list[tuple[str, float, int | None]]]
) -> None:
    """Add to `frequency`, per term, the roles whose texts use it. Situations are told in
    everyday words ("mötet", "the meeting") that would make the words of titles and duties
    look common: a word counts in situations only where no title, synonym or duty uses it."""
    situations: dict[str, int] = defaultdict(int)
    for terms in roles_terms:
        counted = {t for t, _, duty in terms if duty != _SITUATION}
        for term in counted:
            frequency[term] += 1
        for term in {t for t, _, duty in terms if duty == _SITUATION} - counted:
            situations[term] += 1
    for term, count in situations.items():
        if term not in frequency:
            frequency[term] = count


def _best_situation(term_weight: dict[str, float], entry: RoleEntry, matched: set[str]) -> float:
    """The summed weight of the terms the question shares with the role's situation that
    shares most, when it shares two or more (0.0 otherwise)."""
    best = 0.0
    # How many of the matched terms each situation uses: only those with two are summed.
    shared_terms: dict[int, int] = {}
    for term in matched:
        for situation in entry.situations_of_term.get(term, ()):
            shared_terms[situation] = shared_terms.get(situation, 0) + 1
    for situation, count in shared_terms.items():
        if count >= 2:
            shared = entry.situation_terms[situation] & matched
            best = max(best, sum(map(term_weight.__getitem__, shared)))
    return best


# Words with which a duty says what a role is made of ("Består av ordförande, vice ordförande
# och processledare", "Made up of the chair, ..."): the roles it then names are its members.
_MADE_OF = frozenset(stem(w, "sv") for w in "består utgörs".split()) | frozenset(
    stem(w, "en") for w in "made consists composed comprises".split()
)


def _members(entries: list[RoleEntry], position: int) -> tuple[str, ...]:
    """The keys of the roles a composite role is made of, read from its duties: a duty that
    says so (`_MADE_OF`) and names other roles by their whole titles."""
    entry = entries[position]
    for language, duties in (("sv", entry.role.duties.sv), ("en", entry.role.duties.en)):
        for duty in duties:
            duty_words = {s for word in words(duty) for s in stems(word, language)}
            if not duty_words & _MADE_OF:
                continue
            members = tuple(
                other.role.key
                for index, other in enumerate(entries)
                if index != position
                and (title := other.title_words_by_language.get(language))
                and title <= duty_words
            )
            if members:
                return members
    return ()


def _runs(folded_words: list[str]) -> Iterable[tuple[str, ...]]:
    """Each run of `SITUATION_RUN` consecutive words."""
    return (
        tuple(folded_words[i:i + SITUATION_RUN])
        for i in range(len(folded_words) - SITUATION_RUN + 1)
    )


def _duty_texts(role: Role, position: int) -> Localized[str]:
    """The duty at `position` in both languages."""
    return Localized(sv=_nth(role.duties.sv, position), en=_nth(role.duties.en, position))


def _nth(duties: tuple[str, ...], position: int) -> str:
    """The duty at `position`, or the first one where the languages list unequal numbers."""
    return duties[position] if position < len(duties) else (duties[0] if duties else "")


# -- helpers: answer text --------------------------------------------------------------------


def _holders(
    network: Network, role_key: str, group_key: str | None, today: date
) -> tuple[Assignment, ...]:
    """Who holds a role: in the group for a group role (none when no group is known)."""
    role = network.role(role_key)
    if role.scope == "group" and group_key is None:
        return ()
    return tuple(network.holders(role_key, group_key if role.scope == "group" else None, today))


def _members_text(
    network: Network,
    role: Role,
    members: tuple[str, ...],
    group_key: str | None,
    language: Language,
    today: date,
    scope: str,
) -> str:
    """"**Beredning** i Fyrbodals e-råd består av:" and a line per member role and holders."""
    lines = [render("made_of", language, role=escape(role.title.get(language)), scope=scope)]
    for key in members:
        held = _holders(network, key, group_key, today)
        lines.append(
            render(
                "member_line",
                language,
                role=escape(network.role(key).title.get(language)),
                people=_people(held) if held else render("vacant_short", language),
            )
        )
    return "\n".join(lines)


def _people(assignments: Iterable[Assignment]) -> str:
    return ", ".join(person_link(a.person.name, a.person.email) for a in assignments)


def _scope(network: Network, group_key: str | None, language: Language) -> str:
    if group_key is not None:
        group = network.group(group_key)
        return render("in_group", language, group=escape(group.name.get(language)))
    return render("in_network", language, network=escape(network.name.get(language)))


def _duty_line(role: Role, match: RoleMatch, language: Language) -> str:
    duty = match.duty.get(language) if match.duty else _nth(role.duties.get(language), 0)
    return render("duty", language, duty=escape(duty)) if duty else ""


def _per_group_text(
    network: Network, role: Role, match: RoleMatch, language: Language, today: date
) -> str:
    """A group role asked without a group: its holders group by group, and how to ask."""
    lines = []
    # A network of hundreds of groups would not fit in one Teams message (about 28 KB), and
    # nobody reads such a list: the first few groups, and how to ask for the rest.
    for group in network.groups[:MAX_GROUP_LINES]:
        holders = network.holders(role.key, group.key, today)
        people = _people(holders) if holders else render("vacant_short", language)
        lines.append(
            render("group_line", language, group=escape(group.name.get(language)), people=people)
        )
    if len(network.groups) > MAX_GROUP_LINES:
        lines.append(
            render("more_groups", language, count=str(len(network.groups) - MAX_GROUP_LINES))
        )
    title = role.title.get(language)
    example = render(
        "example_in_group",
        language,
        role=role_in_question(title, language),
        group=network.groups[0].name.get(language),
    )
    paragraphs = [
        render(
            "per_group", language, role=escape(title), network=escape(network.name.get(language))
        )
        + "\n"
        + "\n".join(lines),
        render("name_the_group", language, example=escape(example)),
        _duty_line(role, match, language),
    ]
    return "\n\n".join(p for p in paragraphs if p)


def _ask_instead(
    network: Network, role: Role, group_key: str | None, language: Language, today: date
) -> str:
    """Whom to ask while `role` is vacant: the role's (or the network's) ask_instead roles.

    When those are vacant too, their own ask_instead roles are tried, each role once, so a
    chain that leads back to where it started ends instead of looping.
    """
    visited = {role.key}
    first = [k for k in (role.ask_instead or network.ask_instead) if k not in visited]
    frontier = first
    while frontier:
        found = []
        for key in frontier:
            visited.add(key)
            candidate = network.role(key)
            if candidate.scope == "group" and group_key is None:
                found.append(
                    render(
                        "role_in_your_group", language, role=escape(candidate.title.get(language))
                    )
                )
                continue
            holders = network.holders(key, group_key if candidate.scope == "group" else None, today)
            if holders:
                found.append(
                    render(
                        "role_with_people",
                        language,
                        role=escape(candidate.title.get(language)),
                        people=_people(holders),
                    )
                )
        if found:
            return render("ask_instead", language, roles=join_list(found, language, "or"))
        following: list[str] = []
        for key in frontier:
            candidate = network.role(key)
            for next_key in candidate.ask_instead or network.ask_instead:
                if next_key not in visited and next_key not in following:
                    following.append(next_key)
        frontier = following
    if not first:
        return ""
    titles = [
        render("role_alone", language, role=escape(network.role(k).title.get(language)))
        for k in first
    ]
    return render("ask_instead_nobody", language, roles=join_list(titles, language, "or"))
