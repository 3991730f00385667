"""Which kind of message a user sent: a who-question, a command, small talk, or a request the
bot does not carry out. Only a who-question reaches the answering logic and may get a role.

Routing is by tables, not by chains of substring tests. In the order they are tried:
- a command's leading words ("dagordning", "lägg till punkt …", accents optional), listed per
  language in a `Command`; what follows is the command's argument;
- small talk (greeting, thanks, help) when the whole message is small talk ("Hej!", "hej hej
  bot", "thanks a lot"), in the language of its words;
- a word that asks for a person ("vem", "who", "vilka sitter i …"): a who-question;
- thanks or help in a few words more ("tack för hjälpen!"), chat with the bot ("hur mår du",
  "tell me a joke"): small talk, no role;
- a command asked in plain language: one of its `topics` ("vad står på dagordningen för
  Logistik?", "show the roles in the council") in a request ("visa", "show", "när", "what",
  or the topic among the first words); the group may be named anywhere;
- a request to the bot to do something ("boka ett rum", "can you send …"): its first verb is
  an imperative, of the registry's own duties ("Bokar" → "boka") or of everyday requests;
- a wish in the first person with a command's topic ("jag vill lämna in protokollet", "I'd
  like to see the agenda"): that command;
- opinions asked of the bot, questions of fact no role answers ("hur många …", "what does …
  mean", "när …", "how …", "until when …"), questions answered yes or no that ask for nobody
  ("is our budget big enough?"), IT trouble ("lösenordet funkar inte"), "vilket/vilka X …?"
  when X is no role word: no role;
- anything else — a who-question asked outright or a situation described ("jag är ny i
  gruppen och vill komma med på listan") — is for the answering logic, which abstains by
  itself when no role fits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from domain.language import language_scores
from domain.registry import Language, Localized
from services.text import BODY_WORDS, fold, fold_in_place


class SmallTalk(Enum):
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    CHAT = "chat"  # about the bot or the weather: a friendly word, no role
    GOODBYE = "goodbye"
    ACKNOWLEDGED = "acknowledged"  # "ok", "👍": nothing asked


class Intent(Enum):
    """The four kinds of message the bot tells apart; only WHO gets a role."""

    WHO = "who"
    COMMAND = "command"  # help included
    SMALL_TALK = "smalltalk"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class Command:
    """A command invoked by its leading words, e.g. `dagordning` / `agenda`.

    `words` are phrases of one or more words, lower case; the longest match wins, so
    "lägg till punkt" can sit beside a shorter command.
    """

    name: str
    words: Localized[tuple[str, ...]]
    summary: Localized[str] | None = None  # one line for the help reply; None: not listed
    # Words that name the command's subject anywhere in a plain-language request ("vad står
    # på dagordningen?"); lower case, accents optional; a trailing "*" takes any ending
    # ("protokoll*": "protokollet", "protokollstatus").
    topics: Localized[tuple[str, ...]] = Localized((), ())
    # When a request names the topics of several commands, the lowest rank wins ("which
    # meetings lack minutes?" is about minutes).
    rank: int = 50
    # Leading words that, with a topic, make the request this command's ("lägg till … på
    # dagordningen"); without them the command needs a request form (see `classify`).
    verbs: Localized[tuple[str, ...]] = Localized((), ())


@dataclass(frozen=True)
class Classified:
    """The outcome of routing one message.

    `kind` is a `SmallTalk` member, a command's name, or "question". `argument` is the
    text after a command's words (the whole text for a question). `language` is set
    when the words that decided the route tell the language (a command word).
    """

    kind: SmallTalk | str
    argument: str = ""
    language: Language | None = None

    @property
    def intent(self) -> Intent:
        """The kind of message, as one of the four intents."""
        if self.kind == QUESTION:
            return Intent.WHO
        if self.kind in (UNSUPPORTED, REMARK):
            return Intent.UNSUPPORTED
        if isinstance(self.kind, SmallTalk) and self.kind is not SmallTalk.HELP:
            return Intent.SMALL_TALK
        return Intent.COMMAND


QUESTION = "question"
UNSUPPORTED = "unsupported"  # a request the bot does not carry out, or a question of fact
REMARK = "remark"  # how the member finds something, told for nobody to answer

# Words that may accompany small talk without changing it ("hej bot", "hi there all").
_FILLER = {"bot", "boten", "samverkan", "samverkansboten", "samverkan-bot", "där", "alla",
           "allihop", "there", "all", "everyone", "you", "dig", "du", "så", "mycket", "a", "lot",
           "ok", "okej", "okay",
           "very", "much", "och", "and", "igen", "again"}

# Small talk per language: the language of the phrase is the language of the reply ("help"
# is answered in English whatever the client's locale).
_SMALL_TALK_BY_LANGUAGE: dict[Language, dict[SmallTalk, frozenset[str]]] = {
    "sv": {
        SmallTalk.GREETING: frozenset({
            "hej", "hejsan", "hallå", "tjena", "tja", "tjenare", "hejhej", "god morgon",
            "god dag", "god eftermiddag", "god kväll", "morgon",
        }),
        SmallTalk.THANKS: frozenset({"tack", "tusen tack", "tackar"}),
        SmallTalk.HELP: frozenset({
            "hjälp", "hjalp", "vad kan du", "vad kan du göra", "vad kan du svara på",
            "kommandon", "hur funkar du", "meny", "/hjälp", "hjälp mig", "visa hjälp",
            "visa hjälpen", "visa kommandon", "visa kommandona",
        }),
        SmallTalk.GOODBYE: frozenset({
            "hej då", "hejdå", "hej da", "hejda", "hej hej då", "vi ses", "vi hörs", "adjö",
            "ha det", "ha det bra", "ha en bra dag", "ha en fin dag",
        }),
        SmallTalk.ACKNOWLEDGED: frozenset({
            "ok", "okej", "uppfattat", "toppen", "perfekt", "bra", "jaha", "japp", "ja",
            "nej", "aha", "precis", "kanon",
        }),
    },
    "en": {
        SmallTalk.GREETING: frozenset({
            "hello", "hi", "hey", "hiya", "good morning", "good afternoon", "good evening",
        }),
        SmallTalk.THANKS: frozenset({"thanks", "thank", "thx", "cheers"}),
        SmallTalk.HELP: frozenset({
            "help", "what can you do", "commands", "how do you work", "menu", "/help", "help me",
            "show help", "show me help", "show the help", "show commands", "show the commands",
        }),
        SmallTalk.GOODBYE: frozenset({
            "bye", "goodbye", "good bye", "bye bye", "see you", "see you later", "see ya",
            "have a nice day", "have a good day", "take care", "cya",
        }),
        SmallTalk.ACKNOWLEDGED: frozenset({
            "okay", "got it", "great", "perfect", "cool", "nice", "yes", "no", "yep", "sure",
            "alright", "all right", "i see", "understood",
        }),
    },
}
_SMALL_TALK: dict[SmallTalk, frozenset[str]] = {
    kind: frozenset().union(*(by_kind.get(kind, frozenset())
                              for by_kind in _SMALL_TALK_BY_LANGUAGE.values()))
    for kind in SmallTalk
    if kind is not SmallTalk.CHAT
}
_SMALL_TALK[SmallTalk.HELP] |= {"?", "start"}  # in both languages

# The words each kind of small talk is made of, and of any: a message with a word outside
# them (and `_FILLER`) is no small talk, which settles nearly every question at once.
_SMALL_TALK_WORDS: dict[SmallTalk, frozenset[str]] = {
    kind: frozenset(part for phrase in phrases for part in phrase.split())
    for kind, phrases in _SMALL_TALK.items()
}
_ANY_SMALL_TALK_WORD = frozenset().union(*_SMALL_TALK_WORDS.values())

# Words and phrases with which a message asks for a person ("vilka sitter i styrgruppen?").
_ASKS_FOR_A_PERSON = frozenset({
    "vem", "vems", "vemm", "who", "whom", "whose", "who's", "whos", "vilken roll", "which role",
    "vilka sitter", "vilka ingar", "vilka ar med", "which board member",
    "vilka ska", "vilka kan", "till vem", "to whom",
    # How to reach someone is whom to reach: "hur når jag kansliet?", "how do I reach …".
    "hur nar jag", "hur nar man", "hur nar vi", "hur kontaktar jag", "hur kontaktar man",
    "hur far jag tag pa", "how do i reach", "how can i reach", "how do we reach",
    "how do i contact", "how can i contact", "how do i get hold of",
    # Where to send or turn is to whom: "vart skickar jag synpunkterna?", "where do I send …".
    "vart skickar jag", "vart ska jag skicka", "vart skickar vi", "vart ska vi skicka",
    "vart vander jag mig", "vart vander vi oss", "where do i send", "where should i send",
    "where do we send", "where should we send", "where do i turn", "where should i turn",
})
# Who the bot is, asked with a who-word: answered by the greeting, which says so.
_ABOUT_THE_BOT = frozenset({
    "vem ar du", "vem ar ni", "vem gjorde dig", "vem har gjort dig", "vem skapade dig",
    "vem har skapat dig", "vem byggde dig", "vem har byggt dig", "who are you", "who made you",
    "who built you", "who created you", "who wrote you", "who's behind you",
})
# Chat with the bot itself, or about nothing the networks do: a friendly answer, no role.
_CHAT = frozenset({
    "hur mar du", "hur ar laget", "laget", "how are you", "how's it going", "joke", "skamt",
    "vits", "tell me a joke", "beratta ett skamt", "weather", "vader", "vadret", "regn",
    "regna", "rain", "snow", "sno", "who are you", "vem ar du", "are you a bot", "ar du en bot",
    "robot", "nice to meet you", "nice meeting you", "trevligt att traffas", "kul att traffas",
    # Wishes for the weekend or the holidays, laughter, remarks about the bot itself.
    "trevlig helg", "trevlig kvall", "trevlig sommar", "god jul", "gott nytt ar", "glad pask",
    "glad midsommar", "god fortsattning", "gott slut", "god helg", "have a nice weekend",
    "nice weekend", "have a good weekend",
    "merry christmas", "happy new year", "happy easter", "haha", "hehe", "lol", "ar du",
    # Praise for the bot.
    "good job", "great job", "nice work", "well done", "bra jobbat", "snyggt jobbat",
    "bra jobb", "grymt jobb", "fint jobb", "great work", "good work",
    "du ar", "are you", "you are", "you're", "youre",
})
# The bot addressed: "du" and "you" in a message that does not ask who.
_ADDRESSING_THE_BOT = frozenset({"du", "dig", "din", "ditt", "dina", "you", "your", "yours",
                                 "you're", "youre", "yourself"})
_SOMEONE = frozenset({"nagon", "nan", "someone", "somebody", "anyone", "anybody"})
# Opinions asked of the bot, questions of fact that no role answers, and IT trouble: no role.
_NOT_FOR_A_ROLE = frozenset({
    "tycker du", "tycker ni", "anser du", "anser ni", "vad tycker", "what do you think",
    "do you think", "your opinion",
    # A statement ended by a tag question asks whether it is so, not for anyone.
    "isn't that", "isnt that", "isn't it", "isnt it", "eller hur", "ar inte det",
    # The bot asked to act: "jag vill att du skickar …", "I want you to send …".
    "att du", "you to",
    "hur manga", "hur mycket", "hur stor", "hur stort", "hur lange", "hur lang", "how many",
    "how much", "how long", "how big",
    # How long something lasts is a date, not a person: "until when does the assignment run?".
    "until when", "till nar", "since when", "sedan nar", "sen nar", "vad betyder", "betyder",
    "what does", "mean",
    "menas", "what is meant", "what's meant",
    "skillnaden", "difference", "vad ar", "what is", "what's", "whats",
    # IT trouble: the service desk's, not a role's.
    # A link or Skype by itself is not: "the Skype link never arrived" is for whoever sends
    # the notice; "skypelänken funkar inte" is caught by its trouble.
    "teams", "wifi", "wi-fi", "losenord", "losenordet", "password", "pdf", "zoom", "404",
    "inloggning", "logga in", "log in", "login", "dator", "datorn", "vpn", "sharepoint",
    "kommer inte at", "can't access", "cannot access", "ar last", "is locked", "locked out",
    "utelast",
    "computer", "laptop", "skrivare", "skrivaren", "printer", "internet", "uppkoppling",
    "ladda upp", "upload", "won't open", "wont open", "oppnas inte", "funkar inte",
    "fungerar inte", "doesn't work", "is down", "ar nere", "ar det nere", "is it down",
    "vill inte ladda",
    "loggar ut", "utloggad", "logs me out", "logged out", "kraschar", "crashes",
    # Trouble with a tool, whichever tool is named ("Projectplace laddar inte").
    "laddar inte", "inloggningsfel", "felmeddelande", "felkod", "hanger sig", "startar inte",
    "kan inte logga in", "kommer inte in", "gar inte att oppna", "kan inte oppna",
    "won't load", "wont load", "doesn't load", "not loading", "login error", "error message",
    "can't log in", "cannot log in", "can't open", "cannot open", "keeps crashing", "freezes",
    "won't start", "wont start", "isn't loading", "is not loading", "doesn't open",
    "does not open", "is broken", "cant hear", "can't hear", "no sound", "no audio",
    "hors inte", "inget ljud",
    # Mail that went astray is the mail system's ("hamnade i skräpposten", "went to spam").
    "skrappost", "skrapposten", "skrapkorgen", "spam", "spamfilter", "spamfiltret",
    "junk mail", "junk folder",
    "outlook",
    # What a calendar shows is the calendar's ("the calendar invite shows the wrong time");
    # an invite that never came is for whoever sends the notice.
    "shows the wrong time", "visar fel tid", "wrong time in the calendar", "fel tid i kalendern",
    "time zone", "timezone", "tidszon", "tidszonen",
    # The bot's own reminders ("the reminder was posted in the wrong channel", "varför fick
    # jag två påminnelser?"): feedback on the bot; asking who sends one is read before this.
    "reminder", "reminders", "paminnelse", "paminnelsen", "paminnelser", "paminnelserna",
    # Never finishing is trouble too ("filmen laddar aldrig klart", "the page never loads").
    "laddar aldrig", "laddas inte", "laddas aldrig", "startar aldrig", "funkar aldrig",
    "fungerar aldrig", "buffrar", "never loads", "never load", "never finishes loading",
    "keeps loading", "keeps buffering", "buffering",
    # Something that will not open or play, or is broken ("jag får inte upp länken i
    # mobilen", "the film won't play in Chrome", "länken till utkastet är trasig").
    "far inte upp", "won't play", "wont play", "doesn't play", "spelas inte", "ar trasig",
    "ar trasigt", "ar trasiga", "broken link", "link is broken", "ligger nere", "is offline",
    "varit nere", "legat nere", "been down", "went down", "slapper inte in",
    "won't let me in", "wont let me in", "fryser",
    # News asked for ("Any news about the county's projects?", "Något nytt om …?").
    "any news", "nagot nytt om", "nagot nytt kring", "nagra nyheter",
    "i read that", "i read in", "jag laste i", "laste att",
    # A slow tool ("Projectplace är sjukt segt idag").
    "ar segt", "sa segt", "sjukt segt", "is so slow", "really slow", "super slow",
    # What is done in general, not by whom ("vilka indikatorer brukar man använda?").
    "brukar man",
    # The members asked what they have read or tried, or for tips ("Has anyone read the new
    # report …?", "Läste ni artikeln …?", "Any good books on …?", "har nån tips på …?").
    "has anyone read", "has anyone seen", "has anyone tried", "have you read", "have you seen",
    "did you read", "did anyone read", "har nagon last", "har nan last", "har nagon sett",
    "har nan sett", "har nagon testat", "har nagon provat", "har ni last", "har ni sett",
    "laste ni", "sag ni", "any good", "nagra bra", "any tips", "tips pa", "tips om",
    "recept pa", "recipe for",
})
# A remark told without a question ("protokollen är alltid sena, så irriterande", "the
# budget template is confusing", "… typiskt"): how the member finds something, for nobody
# to answer. A message that asks for someone ("vem …", "who …") is read before this.
_REMARKS = frozenset({
    "typiskt", "irriterande", "rorigt", "rorig", "krangligt", "kranglig", "forvirrande",
    "daligt", "dalig", "daliga", "uselt", "usel", "usla", "jobbigt", "onodigt",
    "alldeles for", "tycker jag", "om du fragar mig", "tycker det ar", "tycker att det ar",
    "typical", "so bad", "terrible", "awful", "confusing", "annoying", "ridiculous",
    "useless", "way too", "far too", "if you ask me",
    "trakig", "trakigt", "trakiga", "boring", "tedious",
    # Praise is a remark too ("sekreteraren gjorde ett grymt jobb", "the best thing …").
    "grymt", "fantastiskt", "fantastisk", "amazing", "awesome", "brilliant", "best thing",
    # Time it took: "tog en evighet", "took forever".
    "en evighet", "evigheter", "forever", "took ages",
    # Praise, and how hard something is to read ("riktigt bra protokoll", "utkastet är
    # svårläst"); an opinion told as one ("honestly the board never listens").
    "riktigt bra", "jattebra", "superbra", "toppen", "ser bra ut", "bra jobbat", "really good",
    "really great", "great job", "well done", "nice work", "svarlast", "svarlasta",
    "hard to read", "honestly", "arligt talat", "uppriktigt sagt", "to be honest",
    # Disorder: "medlemsregistret ser ut som kaos", "the member register looks messy".
    "kaos", "kaoset", "kaosartat", "katastrof", "en rora", "messy", "a mess", "chaos", "chaotic",
    "a disaster",
    # Outrage and frustration: "… skandal", "det är så frustrerande", "helt orimlig".
    "skandal", "skandalost", "frustrerande", "frustrating", "orimlig", "orimligt", "orimliga",
    # News told for the record: "… bara så ni vet", "just fyi", "ville bara säga att …".
    "fyi", "bara sa ni vet", "bara sa du vet", "for kannedom", "just so you know", "heads up",
    "ville bara saga", "vill bara saga", "just wanted to say", "just wanted to let you know",
    "ville bara beratta", "vill bara beratta", "just wanted to tell", "om ni fragar mig",
    # Sighs and weariness: "… igen, suck", "orkar inte med fler möten".
    "suck", "sigh", "ugh", "usch", "orkar inte", "can't be bothered",
    # Praise of food and places: "det glutenfria var jättegott", "lokalen var kanonbra".
    "jattegott", "supergott", "kanonbra", "kanon",
    # An opinion marked as one ("the timeline is unrealistic imo"), a superlative ("det
    # bästa vi gjort"), too many of something ("vi har för många möten").
    "imo", "imho", "in my opinion", "enligt mig", "i mitt tycke", "det basta",
    "for manga", "too many",
    # Judged and found wanting ("maten var inte god alls"), judged after the fact ("… tyckte
    # jag"), weariness ("så trött på det"), news told in passing ("I'm the new treasurer btw").
    "inte bra alls", "inte god alls", "inte gott alls", "inte okej alls", "inte ok alls",
    "inte kul alls", "not good at all", "not ok at all", "not okay at all", "tyckte jag",
    "trott pa", "trottnat", "tired of", "sick of", "fed up",
    # What a topic took of a meeting ("Ekonomiavstämningen tog hela mötet idag").
    "tog hela", "took the whole", "took all",
    "btw", "by the way", "forresten",
    # How a meeting or a piece of work went, told afterwards ("Referensgruppsmötet idag var
    # väldigt givande", "the practical test went really well"), or how it looks ("our
    # minutes template looks old-fashioned", "protokollet är fullt av fel").
    "givande", "larorikt", "larorik", "inspirerande", "inspiring", "bra genomgang",
    "bra mote", "great meeting", "good meeting", "nice meeting", "went well",
    "went really well", "went great", "went so well", "really useful", "very useful",
    "so useful", "gammaldags", "old-fashioned", "fullt av fel",
    "full of errors", "full of mistakes",
})
# How something ought to be, told of a thing or body ("styrelsen borde lyssna mer",
# "allergies should be checked better"): an opinion. Told of a person or with "någon"
# ("min kollega borde inte stå kvar", "somebody should coordinate them"), it is a situation;
# "borde ha kommit" tells of something late.
_OUGHT = frozenset({"borde", "bor", "should", "ought"})
_NOT_OPINIONS = frozenset({"ha", "have", "hon", "han", "kollega", "kollegan", "colleague"})
# A need told in the first person makes a judgement a situation.
_NEEDS = frozenset({"vi behover", "jag behover", "vi maste", "jag maste", "we need", "i need",
                    "we must", "we have to", "i have to"})
# Signs of a remark made in passing, told of something with no problem and no one in the
# first person: "ju" (as we all know: "e-rådet har ju inget mandat"), an emoji ("konstella har
# alltid så god mat 👌") or letters drawn out ("projektplanen är sååå lång").
_AS_WE_ALL_KNOW = "ju"
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_DRAWN_OUT = re.compile(r"([^\W\d_])\1\1")
# "… åt mig", "… åt oss": something to be done for the asker, asked of the bot ("spara
# dokumentet i Projectplace åt mig"); asked who does it ("vem kan boka åt oss?"), it is a
# who-question, read before this.
_FOR_THE_ASKER = frozenset({"at mig", "at oss"})
# The asker, told in the first person; not "var", which is "vår" folded but also "was".
_ASKER = frozenset({"jag", "vi", "mig", "oss", "min", "mitt", "mina", "i", "we", "me", "us",
                    "my", "our", "i'm", "im", "we're", "we'll", "i've", "we've"})
# Words that begin a request for something to be shown or told: with a command's topic, the
# command ("visa årshjulet", "what deadlines are coming up?").
_REQUEST_STARTS = frozenset({
    "visa", "lista", "se", "ge", "kolla", "show", "schow", "list", "see", "give", "get",
    "display", "check", "vad", "nar", "vilka", "vilket", "vilken", "finns", "har", "what",
    # Asked whether it is missing ("saknas det protokoll från något möte?"), like "finns det".
    "saknas", "fattas", "saknar",
    "whats", "what's", "when", "which", "any", "is", "are", "do", "does",
})
# Words that may come before a question word without changing it ("senast när …?", "exakt
# hur …", "och när …?").
_BEFORE_A_QUESTION = frozenset({"senast", "exakt", "ungefar", "precis", "och", "men", "sa",
                                "and", "but", "so", "roughly", "exactly"})
# Questions of fact: no person asked for ("när är …", "how does …").
_QUESTION_OF_FACT_STARTS = frozenset({
    "hur", "vad", "nar", "varfor", "how", "what", "what's", "whats", "when", "where", "why",
    "where's", "wheres",
})
# "Var" is "where" before a verb of being kept or found ("var sparas protokollen?", "var
# hittar jag planen?"), as "where" is in English; before anything else it is "was" or, typed
# without "å", "our" ("var grupp behöver …"). Where to send or turn asks for a person and is
# caught before this (`_ASKS_FOR_A_PERSON`).
_WHERE = "var"
_WHERE_VERBS = frozenset({
    "finns", "fanns", "ligger", "lag", "sparas", "sparades", "sparar", "hittar", "hittas",
    "hitta", "lagras", "lagg", "laggs", "publiceras", "star", "ar",
})
# Questions answered yes or no ("is our budget big enough?", "är e-rådet beslutande?"): of
# fact, unless they ask for someone ("is anyone responsible for …", "finns det någon som …").
_YES_NO_STARTS = frozenset({
    "is", "are", "was", "were", "does", "do", "did", "has", "should", "will", "isn't", "aren't",
    "ar", "blir", "stammer", "galler", "hinner", "racker",
})
# Words with which a yes/no question still asks for a person ("is there someone who …").
_STILL_ASKS = frozenset({
    "someone", "somebody", "anyone", "anybody", "responsible", "contact", "charge",
    "nagon", "nan", "ansvarig", "ansvarar", "kontakt", "kontaktperson", "help", "hjalp",
    # "är det sekreteraren som skriver protokollet?": a relative clause names the doer (not
    # "samma som": `_not_for_whom` drops it).
    "som",
    # Belonging to a body: "är processledaren med i beredningen?", "is … part of …?"; not a
    # thing named with the word ("is the member register up to date?").
    "med i", "part of", "member of", "members of", "a member", "ingar", "sitter", "sits",
    # Whether the group can afford something is the finance role's to say ("har vi råd med
    # en föreläsare?", "can we afford a second meeting?").
    "rad", "afford",
})
# Swedish questions with the verb first, answered yes or no ("Beslutas budgeten på
# årsmötet?", "Måste planen godkännas?", "Ska vi ha vegetariskt?"): auxiliaries and modals,
# besides the passive of a duty verb (see `classify`); only with a question mark, since a
# message may drop its "jag" ("behöver hjälp med utskicken", "har ett förslag").
_SV_VERB_FIRST = frozenset({
    "maste", "ska", "skall", "kan", "kunde", "far", "fick", "bor", "borde", "har", "hade",
    "finns", "fanns", "behover", "brukar", "kommer", "gor", "gar", "vill", "skulle", "blir",
    "ar", "galler", "racker", "hinner", "stammer", "beslutas", "godkanns", "valjs", "behovs",
    "saknas", "fattas", "funkar", "fungerar", "heter", "hette",
})
# Whether something is allowed: a question of fact, whatever it is about.
_ASKS_IF_ALLOWED = frozenset({
    "is it ok", "is it okay", "is it possible", "is it allowed", "is that ok", "ar det ok",
    "ar det okej", "ar det mojligt", "ar det tillatet", "ar det okay",
})
# English modals that open a yes/no question ("Can the project owner also sit in …?").
_EN_MODAL_STARTS = frozenset({
    "can", "could", "must", "may", "might", "shall", "would", "ought", "have", "had",
})
# An opinion told at the start ("I think the steering group meets too rarely"): asks
# nobody, unless someone is asked for after it.
_OPINION_STARTS = (
    "i think", "i feel", "i believe", "in my opinion", "imo", "personally i", "jag tycker",
    "jag tror att", "jag anser", "jag kanner att", "enligt mig", "personligen tycker",
    "vi tycker", "we think", "we feel",
    # The same after an adverb ("ärligt talat tycker jag …"): Swedish puts the verb second.
    "tycker jag", "tycker vi", "tror jag att", "anser jag", "anser vi", "kanner jag att",
)
_OPINION_WISHES = frozenset({"vill", "want", "wants"})
# An opinion that something is ready ("we think the programme is ready to be handed over",
# "vi tycker produkten är redo"): someone must now take it on, so a situation.
_READY = frozenset({"klar", "klart", "klara", "fardig", "fardigt", "fardiga", "redo", "ready",
                    "finished", "done", "complete", "completed"})
# Words that may come before an opinion without changing it ("honestly I think …").
_BEFORE_AN_OPINION = frozenset({
    "honestly", "frankly", "tbh", "well", "ok", "okay", "so", "but", "and",
    "arligt", "talat", "sagt", "alltsa", "assa", "men", "och", "typ",
})
# A wish told in the first person ("jag vill lämna in protokollet", "I'd like to see the
# agenda"): with a command's topic, that command; without one, a situation (who-question).
_WISH = re.compile(
    r"^\s*(?:jag|vi|i|we)(?:\s+(?:vill|skulle\s+vilja|want\s+to|would\s+like\s+to|wanna)"
    r"|['’]d\s+like\s+to)\s+",
    re.IGNORECASE,
)
# Polite openings before a request ("kan du boka …", "please send …").
_POLITE = ("kan du", "kan ni", "skulle du kunna", "kan jag fa", "snalla", "vanligen", "can you",
           "could you", "would you", "will you", "please", "pls", "plz")
# Everyday requests to a bot, besides the registry's own duty verbs (see `request_verbs`).
_REQUEST_VERBS = frozenset({
    "boka", "avboka", "skicka", "mejla", "maila", "ring", "bestall", "uppdatera", "registrera",
    "skriv", "andra", "radera", "ta", "flytta", "kalla", "publicera", "godkann", "oversatt",
    "skapa", "lagg", "fixa", "ordna", "paminn", "beratta", "anmal", "stall",
    "book", "cancel", "send", "email", "mail", "call", "order", "update", "register", "write",
    "change", "delete", "remove", "move", "publish", "approve", "translate", "create", "add",
    "fix", "arrange", "remind", "tell", "sign", "set", "schedule", "invite", "bjud",
    "glom", "forget", "remember", "byt", "utse", "valj",
    "sammanfatta", "summera", "summarize", "summarise", "forklara", "explain", "gor", "make",
    "rakna", "berakna", "calculate", "compute",
})
# First words of a situation told in the first person: not a request to show something.
_FIRST_PERSON = frozenset({"jag", "vi", "min", "mitt", "mina", "var", "i", "we", "my",
                           "our", "i'm", "im", "we're", "we'll", "i've"})

# A question word with "is" contracted, which the commands' phrases spell out.
_CONTRACTED_IS = re.compile(r"\b(when|where|how)['’]s\b", re.IGNORECASE)
# Where the message is about, told first and set off by a comma or colon ("för Lokalvård, …",
# "VNS: …"): a few words, no question, nobody in the first person ("I'm vegan, …").
_SETTING_FIRST = re.compile(r"\s*([^,:;?!.]{1,40}?)\s*[,:]\s+(?=\S)")
_WORD = re.compile(r"[\w/?'’-]+", re.UNICODE)
_LETTERS = re.compile(r"[^\W\d_]")
_LEADING_PUNCTUATION = " \t\n:,.;!-–"


def classify(
    text: str,
    commands: Sequence[Command] | CommandPhrases = (),
    request_verbs: frozenset[str] = frozenset(),
    role_words: frozenset[str] = frozenset(),
) -> Classified:
    """Route a whole message (mentions already stripped).

    `commands`: the commands to recognise, best as `CommandPhrases` built once; a plain
    sequence has every phrase tried. `request_verbs`: imperatives of the registry's duties
    (`request_verbs`), which make a message starting with one a request to the bot.
    `role_words`: the registry's words for roles, folded (titles, one-word synonyms): "vilken
    X …?" asks for a person only when X is one of them.
    """
    text = _CONTRACTED_IS.sub(r"\1 is", text)  # "when's the next meeting?" as "when is …"
    cleaned = text.strip().lower()
    if not cleaned or cleaned.strip("?! .") == "":
        return Classified(SmallTalk.HELP)
    if not _LETTERS.search(cleaned):  # "👍", "🙂🙂": nothing asked
        return Classified(SmallTalk.ACKNOWLEDGED)
    command = _command(text.strip(), commands)
    if (
        command is not None
        and not _asks_someone_after(command)
        and not _tells_a_problem(text)
        and not _is_a_remark(text)
    ):
        return command
    setting = _SETTING_FIRST.match(text)
    told_first = fold(setting.group(1)).split() if setting else []
    if told_first and _ASKS_FOR_A_PERSON.isdisjoint(told_first) and _ASKER.isdisjoint(told_first):
        # "för Lokalvård, när är nästa möte?", "VNS: dagordning": the group told first, then
        # the command, which reads the group from its argument.
        after = classify(text[setting.end():], commands, request_verbs, role_words)
        if after.intent is Intent.COMMAND and after.kind is not SmallTalk.HELP:
            told = f"{setting.group(1)} {after.argument}".strip()
            return replace(after, argument=told)
    all_words = [w.strip("?") or w for w in _WORD.findall(cleaned)]
    words = [w for w in all_words if w not in _FILLER]
    if _ANY_SMALL_TALK_WORD.issuperset(words):
        candidates = {" ".join(all_words), " ".join(words)}
        language = _small_talk_language(words)
        for kind, phrases in _SMALL_TALK.items():
            if candidates & phrases:
                return Classified(kind, language=language)
            # Repeated small talk ("hej hej", "tack tack"); help needs its whole phrase.
            if kind is not SmallTalk.HELP and words and _SMALL_TALK_WORDS[kind].issuperset(words):
                return Classified(kind, language=language)
    folded = [fold(w.strip("'’,.!")) for w in all_words]
    folded = [w for w in folded if w]
    if _has_phrase(folded, _ABOUT_THE_BOT):  # "vem är du?", "who made you?": the greeting
        return Classified(SmallTalk.GREETING, language=_small_talk_language(folded))
    if (
        _has_phrase(folded, _ASKS_FOR_A_PERSON)
        or _asks_who_they_are(folded, role_words)
        or _asks_for_a_body(text, folded, role_words)
        or _asks_which_of_two(text, folded, role_words)
        or _asks_what_a_role_does(folded, role_words)
    ):
        return Classified(QUESTION, argument=text.strip())
    short = _short_small_talk(folded) or _thanks_told_at_length(text, folded)
    if short is not None:
        return short
    if _has_phrase(folded, _CHAT):
        return Classified(SmallTalk.CHAT)
    if _is_a_remark(text):  # before the topics: "protokollen är alltid sena, så irriterande"
        return Classified(REMARK, argument=text.strip())
    rest, polite = _without_politeness(folded)
    # "boka ett rum", "can you send the minutes": a request to do something, which no
    # command does; "visa årshjulet", "can you show the agenda": a command.
    asks_to_do = bool(rest) and rest[0] not in _REQUEST_STARTS and (
        rest[0] in _REQUEST_VERBS or rest[0] in request_verbs
    )
    if " ".join(folded[:3]) in _ASKS_IF_ALLOWED:  # "is it ok to meet online?": no listing
        return Classified(UNSUPPORTED, argument=text.strip())
    topic = _topic_command(
        folded, commands, text.strip(), verbs_only=asks_to_do, role_words=role_words
    )
    if topic is not None:
        return topic
    wish = _WISH.match(text)
    if wish:
        wished = text[wish.end():].strip()
        wished_words = [fold(w.strip("?'’,.!")) for w in _WORD.findall(wished.lower())]
        topic = _topic_command(
            [w for w in wished_words if w], commands, wished, wished=True, role_words=role_words
        )
        if topic is not None:
            return topic
    if (
        asks_to_do
        or _has_phrase(_unreported(folded), _NOT_FOR_A_ROLE)
        or (_has_phrase(folded, _FOR_THE_ASKER) and not _needs_someone(folded))
    ):
        return Classified(UNSUPPORTED, argument=text.strip())
    if _is_said_in_passing(text, folded):
        return Classified(REMARK, argument=text.strip())
    asked = _without_leading(folded, _BEFORE_A_QUESTION)  # "senast när måste …?"
    if polite or (asked and asked[0] in _QUESTION_OF_FACT_STARTS) or (
        len(folded) > 1 and folded[0] == _WHERE and folded[1] in _WHERE_VERBS
    ):
        return Classified(UNSUPPORTED, argument=text.strip())
    if folded and _asks_yes_or_no(folded, text, request_verbs) and not (
        _has_phrase(_not_for_whom(folded[1:]), _STILL_ASKS)
        or _asks_whether_a_role_is_held(folded, role_words)
    ):
        return Classified(UNSUPPORTED, argument=text.strip())
    if not _ADDRESSING_THE_BOT.isdisjoint(folded) and _SOMEONE.isdisjoint(folded):
        # "vilka uppgifter sparar du om mig?", "do you keep my messages?": about the bot, or
        # for it to do; asked who ("vet du någon som …?"), it is a who-question.
        return Classified(UNSUPPORTED, argument=text.strip())
    if role_words and len(folded) > 2 and folded[0] in _WHICH and not _is_role_word(
        folded[1], role_words
    ) and not _asks_which_people(folded, role_words):
        # "vilket resurscentrum ska ta över?": which thing, not which person.
        return Classified(UNSUPPORTED, argument=text.strip())
    if folded[0] in _WHICH and _has_phrase(folded, _BEFORE_NOW):
        # "Vilket hotell var vi på förra gången?": a fact of the past, for nobody's duty.
        return Classified(UNSUPPORTED, argument=text.strip())
    return Classified(QUESTION, argument=text.strip())


# Times gone by, which make "which …?" a question of what was.
_BEFORE_NOW = frozenset({"forra gangen", "forra aret", "forra varen", "forra hosten",
                         "forra motet", "forra traffen", "i fjol", "last time", "last year",
                         "last spring", "last autumn", "last meeting"})


# A question of fact told as what someone else asks or nobody knows ("Konstella frågar hur
# många vi blir", "ingen vet hur mycket pengar vi har kvar", "we don't know how to measure
# it"): a situation to take to a role, not a question for the bot. "Jag undrar hur …" and
# "vet du hur …?" still ask the bot.
_REPORTING = frozenset({"fragar", "undrar", "vet", "veta", "asks", "asked", "asking",
                        "wonders", "wondered", "knows", "know"})
_ASKER_ITSELF = frozenset({"jag", "i", "du", "you"})
_NOT_KNOWING = ("vet inte", "vet ej", "don't know", "dont know", "do not know", "not sure",
                "no idea", "ingen aning", "unsure")
_FACT_WORDS = frozenset({"hur", "how", "vad", "what", "nar", "when"})


def _unreported(folded: list[str]) -> list[str]:
    """`folded` with the question words of reported questions masked (see `_REPORTING`)."""
    masked = list(folded)
    for i, word in enumerate(folded):
        if word not in _FACT_WORDS or i == 0:
            continue
        reported = folded[i - 1] in _REPORTING and (i < 2 or folded[i - 2] not in _ASKER_ITSELF)
        not_knowing = any(
            " ".join(folded[max(0, i - len(p.split())):i]) == p for p in _NOT_KNOWING
        )
        if reported or not_knowing:
            masked[i] = ""
    return masked


def _not_for_whom(folded: list[str]) -> list[str]:
    """`folded` less the word after "för"/"for" and the "som" of "samma som": "funkar länken
    för nån annan?" asks whether it works for others, not for someone; "är SKL samma som
    SKR?" has no relative clause."""
    return [
        w for i, w in enumerate(folded)
        if i == 0 or (folded[i - 1] != "for" and not (w == "som" and folded[i - 1] == "samma"))
    ]


def _asks_yes_or_no(folded: list[str], text: str, request_verbs: frozenset[str]) -> bool:
    """A question answered yes or no, asking for nobody by its form: "is it …", "can the …",
    "Beslutas budgeten …?", or an opinion ("jag tycker …")."""
    first = folded[0]
    if first in _YES_NO_STARTS or first in _EN_MODAL_STARTS:
        return True
    if folded[-1] == _TAG and text.rstrip().endswith("?"):
        return True  # "länsstyrgruppen beslutade om rollerna 2011 va?": is it so?
    opinion = _without_leading(folded, _BEFORE_AN_OPINION)
    if " ".join(opinion[:4]).startswith(_OPINION_STARTS):
        # "Vi tycker att programmet är klart och vill att det lämnas över": a wish after the
        # opinion makes it a situation.
        return not any(w in _OPINION_WISHES or w in _READY for w in opinion[2:])
    if tuple(folded[:2]) in _THERE_IS:  # "finns det en mall för …": asked, "?" or not
        return True
    if not text.rstrip().endswith("?"):
        # "har e-rådet mandat över …": the verb, then a subject in the definite form, asks
        # with or without the question mark; "har inte fått …", "behöver hjälp" drop a "jag".
        return first in _SV_VERB_FIRST and len(folded) > 2 and _definite(folded[1])
    if len(folded) > 2 and folded[1] in _SV_VERB_FIRST and folded[2] in _ASKS_TO_BE_TOLD:
        # "beredningsmötet är väl ett skypemöte?", "SKL heter ju SKR nu va?": asks to be
        # told it is so
        return True
    # The passive of a duty verb ("beslutas", "godkänns", "utses", "bestäms" of "bestämmer"):
    # besides the list.
    return first in _SV_VERB_FIRST or (
        first.endswith("s")
        and (first[:-1] in request_verbs or first[:-1] + first[-2:-1] in request_verbs)
    )


_THERE_IS = frozenset({("finns", "det"), ("fanns", "det")})
_ASKS_TO_BE_TOLD = frozenset({"val", "ju"})  # "väl", "ju", folded: "… är väl …?"
_TAG = "va"  # "…, va?": a statement asked to be confirmed
_SWEDISH_IN = frozenset({"i"})
_NOT_NOUNS = frozenset({"inte", "igen", "hemma", "garna", "sedan", "utan", "ocksa"})
_MIN_DEFINITE = 5  # "rådet", "gruppen"; shorter words ending so are seldom nouns


def _definite(word: str) -> bool:
    """A Swedish noun in the definite form, by its ending: "e-rådet", "styrelsen", "gruppen"."""
    return (
        len(word) >= _MIN_DEFINITE
        and word.endswith(("et", "en", "na"))
        and word not in _NOT_NOUNS
    )


_PROBLEM_WORDS = 5  # fewer words name what to show ("protokoll saknas"), more tell a problem


def _tells_a_problem(text: str) -> bool:
    """"Protokollet från februarimötet ligger inte ute på hemsidan än": a command's leading
    word, then a problem with the thing told at length; a situation for a role."""
    folded = [fold(w.strip("?'’,.!")) for w in _WORD.findall(text.lower())]
    return len(folded) > _PROBLEM_WORDS and bool(_PROBLEM.intersection(folded))


def _is_a_remark(text: str) -> bool:
    """"Protokollen är alltid sena, så irriterande", "styrelsen borde lyssna mer": how the
    member finds something, or how it ought to be, told without a question (see `_REMARKS`,
    `_OUGHT`)."""
    if "?" in text:
        return False
    folded = [w for w in (fold(w.strip("'’,.!")) for w in _WORD.findall(text.lower())) if w]
    if _has_phrase(folded, _NEEDS):
        return False  # "we need to change the scope, it's grown way too big": a situation
    told = folded[1:] if folded[:1] == ["the"] else folded
    if _has_phrase(folded, _REMARKS) or _is_said_in_passing(text, folded, after_commands=False):
        return True
    return (
        len(told) > 2
        and told[1] in _OUGHT
        and _FIRST_PERSON.isdisjoint(folded)
        and _SOMEONE.isdisjoint(folded)
        and _NOT_OPINIONS.isdisjoint(told[:3])
    )


# News of a moment ago ("Uddevalla har precis lanserat en e-tjänst", "the county just
# announced cuts"), told by someone not in it.
_JUST_NOW = frozenset({"precis", "nyss", "just"})
# News heard from others ("Konstella har visst bytt logga", "apparently the county …"), or
# headed as news ("Nyhet: …").
_HEARSAY = frozenset({"visst", "tydligen", "apparently", "nyhet", "nyheter"})
# Praise first ("Great presentation of the results today", "Bra och effektivt möte idag").
_PRAISE_FIRST = frozenset({"bra", "great", "nice", "good", "excellent", "toppen", "grymt",
                           "snyggt", "fint", "kul", "superbra", "jattebra"})
# Something called off, told as news ("Styrelsemötet är inställt den här veckan").
_CALLED_OFF = frozenset({"installt", "installd", "installda", "cancelled", "canceled"})
# News of someone else's ("Region Uppsala har fått en ny servicedirektör", "Uddevalla har
# lanserat en ny e-tjänst", "the county has launched …").
_NEWS = frozenset({"har fatt en ny", "har fatt ny", "has a new", "has got a new", "got a new",
                   "har lanserat", "has launched", "have launched", "launched a",
                   # Read in the news ("Läste i tidningen om …"); "läste att …" is read
                   # before this, as no question for a role (`_NOT_FOR_A_ROLE`).
                   "laste i tidningen", "las i tidningen", "laste pa",
                   "read in the paper", "read in the news"})
_FEELS = "kanns"  # "känns", folded
_LIKE = "som"


def _feels(folded: list[str]) -> bool:
    """"Spridningsplanen känns väldigt ambitiös": how something feels; "det känns som att
    projektet har glidit iväg" tells what seems to have happened, a situation."""
    return any(
        word == _FEELS and folded[i + 1 : i + 2] != [_LIKE] for i, word in enumerate(folded)
    )


def _is_said_in_passing(
    text: str, folded: list[str], *, after_commands: bool = True
) -> bool:
    """"Budgeten är ju helt orimlig", "konstella har alltid så god mat 👌", "Strömstad har
    precis lanserat en ny e-tjänst!", "planen känns ambitiös", "mötet är inställt", "Region
    Uppsala har fått en ny servicedirektör": a remark with no question, no problem and no
    need told in the first person (see `_AS_WE_ALL_KNOW`, `_feels`, `_JUST_NOW`,
    `_CALLED_OFF`, `_NEWS`). An emoji or a closing "!" is read only after the commands, which
    they do not change ("visa årshjulet 🙂", "visa årshjulet!")."""
    signs = (
        _AS_WE_ALL_KNOW in folded
        or _DRAWN_OUT.search(text.lower())
        or (after_commands and (_EMOJI.search(text) or text.rstrip().endswith("!")))
        or _feels(folded)
        or not _JUST_NOW.isdisjoint(folded)
        or not _CALLED_OFF.isdisjoint(folded)
        or _has_phrase(folded, _NEWS)
        or not _HEARSAY.isdisjoint(folded)
        or folded[:1] and folded[0] in _PRAISE_FIRST
    )
    # Swedish "i" is "in", not the English "I": "Nyhet: regionen byter intranät i höst".
    asker = _ASKER - _SWEDISH_IN if language_scores(text).decided == "sv" else _ASKER
    return (
        bool(signs)
        and "?" not in text
        # A wish told with the news makes it a situation ("… som vill vara med i gruppen").
        and _OPINION_WISHES.isdisjoint(folded)
        and asker.isdisjoint(folded)
        and _PROBLEM.isdisjoint(folded)
        and not _needs_someone(folded)
    )


def _needs_someone(folded: list[str]) -> bool:
    return _has_phrase(folded, _NEEDS) or not _SOMEONE.isdisjoint(folded)


def _asks_someone_after(command: Classified) -> bool:
    """A command's leading words followed by a who-question about them ("Protokollet från
    april ligger inte ute, vem kan fixa det?"): a who-question, not the command."""
    rest = [fold(w.strip("?'’,.!")) for w in _WORD.findall((command.argument or "").lower())]
    return _has_phrase([w for w in rest if w], _ASKS_FOR_A_PERSON)


def _asks_whether_a_role_is_held(folded: list[str], role_words: frozenset[str]) -> bool:
    """"Har vi en sekreterare?", "do we have a treasurer?": asks for whoever holds it."""
    if len(folded) < 3 or folded[1] not in _HOLDERS:
        return False
    # The whole word, not its start: the role words include everyday ones of synonyms. Only
    # determiners and adverbs between: "har vi redan bokat lokal?" asks whether it is done.
    held = _without_leading(folded[2:], _BEFORE_A_HELD_ROLE)
    return bool(held) and held[0] in role_words and len(held[0]) > _MIN_ROLE_WORD


_HOLDERS = frozenset({"vi", "ni", "man", "we", "you"})
_BEFORE_A_HELD_ROLE = frozenset({"en", "ett", "nagon", "nan", "ingen", "redan", "fortfarande",
                                 "inte", "a", "an", "any", "some", "already", "still", "no"})


def _thanks_told_at_length(text: str, words: list[str]) -> Classified | None:
    """"Thanks to the office for a really clear presentation today": thanks longer than
    `_SHORT_THANKS_WORDS`, told with no question, problem or need, is acknowledged."""
    if "?" in text or not _PROBLEM.isdisjoint(words) or _needs_someone(words):
        return None
    for language, by_kind in _SMALL_TALK_BY_LANGUAGE.items():
        if words and words[0] in by_kind[SmallTalk.THANKS]:
            return Classified(SmallTalk.ACKNOWLEDGED, language=language)
    return None


def _short_small_talk(words: list[str]) -> Classified | None:
    """Thanks with a few words more ("tack för hjälpen!", "thanks, that helped"), or a call
    for help followed by another way to ask for it ("hjälp, vad kan du?")."""
    if not words or len(words) > _SHORT_THANKS_WORDS:
        return None
    first, rest = words[0], " ".join(words[1:])
    for language, by_kind in _SMALL_TALK_BY_LANGUAGE.items():
        if first in by_kind[SmallTalk.THANKS]:
            return Classified(SmallTalk.THANKS, language=language)
        if len(words) > _SHORT_SMALL_TALK_WORDS:
            continue
        help_phrases = {fold(p) for p in by_kind[SmallTalk.HELP]}
        if first in help_phrases and rest in help_phrases and rest != first:
            return Classified(SmallTalk.HELP, language=language)
    return None


_SHORT_SMALL_TALK_WORDS = 5
# After "jag vill"/"I'd like to", a command's topic this close to the start is what is wished
# for ("se dagordningen", "lämna in protokollet"); further on it is the setting of a wish
# ("ta upp en fråga på nästa möte": a who-question).
_WISHED_TOPIC_START = 2
# Thanks takes a few words more ("tack, det var precis vad jag behövde!"); a question after
# it has asked for someone before this is reached.
_SHORT_THANKS_WORDS = 8


def _small_talk_language(words: list[str]) -> Language | None:
    """The language whose small-talk words the message uses, when only one's."""
    used = {
        language
        for language, by_kind in _SMALL_TALK_BY_LANGUAGE.items()
        for word in words
        if any(word in phrase.split() for phrases in by_kind.values() for phrase in phrases)
    }
    return used.pop() if len(used) == 1 else None


# "vilka ämnesområden jobbar rådet med?" asks which things, as "vilket X" does (but see
# `_asks_which_people`).
_WHICH = frozenset({"vilket", "vilken", "vilka", "which", "wich"})
# After "vilka", words that make it ask for people: "vilka på kansliet …", "vilka som …".
# "e" is "är" as it is said ("vilka e med i referensgruppen").
_AFTER_WHICH_PEOPLE = frozenset({"som", "pa", "i", "av", "fran", "inom", "hos", "med", "e"})


# The words that ask which body, or its name ("vilken grupp …", "what's the group called …").
_WHICH_BODY = frozenset({"vilken grupp", "which group", "what group", "vilket organ",
                         "which body", "heter", "called",
                         # Whether there is one: "is there a group made up of the chair, …?"
                         "is there", "are there", "finns det"})
_ROLES_OF_A_BODY = 2


def _asks_for_a_body(text: str, folded: list[str], role_words: frozenset[str]) -> bool:
    """"Vilken grupp består av ordförande, vice ordförande och processledare?", "what's the
    group called where the chair, vice chair and process leader prepare matters?", "is there
    a group of …?": a body asked for by the roles it is made of, which is a role too."""
    if "?" not in text or BODY_WORDS.isdisjoint(folded) or not _has_phrase(folded, _WHICH_BODY):
        return False
    named = {w for w in folded if w not in BODY_WORDS and _is_role_word(w, role_words)}
    return len(named) >= _ROLES_OF_A_BODY


_OR = frozenset({"eller", "or"})
_BEFORE_A_ROLE = frozenset({"the", "our", "my", "var", "min", "mitt", "den", "det", "en", "a",
                            "an"})


def _asks_which_of_two(text: str, folded: list[str], role_words: frozenset[str]) -> bool:
    """"Is it the board or our chair that decides …?", "ska jag fråga styrelsen direkt eller
    vår ordförande?": a choice between two roles asks which of them; not between two
    tools ("i Projectplace eller Teams?", see `_NOT_FOR_A_ROLE`)."""
    if "?" not in text or _OR.isdisjoint(folded) or _has_phrase(folded, _NOT_FOR_A_ROLE):
        return False
    for at, word in enumerate(folded):
        if word not in _OR or at == 0:
            continue
        before = folded[max(0, at - 2):at]
        after = _without_leading(folded[at + 1:], _BEFORE_A_ROLE)[:1]
        if any(_is_role_word(w, role_words) for w in before) and any(
            _is_role_word(w, role_words) for w in after
        ):
            return True
    return False


def _asks_who_they_are(folded: list[str], role_words: frozenset[str]) -> bool:
    """"Vilka är med i …?", "…, alltså vilka är beredningen?" anywhere in the message; not
    "vilka är e-rådets ämnesområden?" (see `_asks_which_people`). "Vilka i beredningen ska
    jag mejla?", "vilka som …" at the start: the people of a body, before any topic; so is
    "which of the preparation group …?" (one of them). A hedge does not change what is asked
    ("vilka är egentligen med i …?")."""
    folded = [w for w in folded if w not in _HEDGES]
    if len(folded) > 2 and folded[0] == "vilka" and folded[1] in _WHICH_PEOPLE_IN:
        return True
    if len(folded) > 2 and folded[0] in _WHICH and folded[1] in _OF and _names_a_role(
        folded[2:], role_words
    ):
        return True
    return any(
        word == "vilka" and folded[at + 1] in _BEING_VERBS
        and _asks_which_people(folded[at:], role_words)
        for at, word in enumerate(folded[:-2])
    )


_HEDGES = frozenset({"egentligen", "actually", "really"})
_OF = frozenset({"of", "av"})


def _asks_which_people(folded: list[str], role_words: frozenset[str]) -> bool:
    """"Vilka jobbar på FoU?", "vilka bereder ärendena?", "vilka på kansliet …": the plural
    "vilka" followed by its verb (a Swedish present tense ends in -r) or a preposition asks
    who; followed by a thing ("vilka ämnesområden …") it asks which things."""
    if folded[1] in _PEOPLE:  # "which people make up …", "vilka personer sitter i …"
        return True
    if tuple(folded[1:3]) in _OF_US:  # "which of us are project members?"
        return True
    if folded[0] != "vilka":
        # "Vilken är styrelsens kontaktperson?", "which is the board's contact?": one role;
        # "vilket är årets tema?" asks for a thing, as the neuter mostly does.
        return (
            folded[0] != "vilket"
            and folded[1] in _BEING_VERBS | _EN_BEING_VERBS
            and _names_a_role(folded[2:], role_words)
        )
    following = folded[1]
    if following in _BEING_VERBS:
        # "vilka är med i …", "vilka är de som …", "vilka är kontaktpersonerna?" ask who;
        # "vilka är e-rådets ämnesområden?" asks which things: after an owner, what it owns.
        told = folded[2]
        # "vilka är de som …", "vilka är dom i beredningen?" ask who; "vilka är de kommande
        # mötena?" asks for things: "de" is then their article.
        they = told in _THEY and (len(folded) == 3 or folded[3] in _AFTER_WHICH_PEOPLE)
        return (
            told in _AFTER_WHICH_PEOPLE or told in _PEOPLE or they
            or _names_a_role(folded[2:], role_words)
        )
    if len(folded) > 2 and (folded[2] in _BEING_VERBS or folded[2] in _BELONGING_VERBS):
        # "vilka mätmetoder är bäst …?", "vilka kommuner ingår i …?": a plural noun ends in
        # -r too; the verb after it shows it was the noun.
        return False
    if len(folded) > 3 and folded[3] in _SUBJECTS and not following.endswith("are"):
        # "vilka mätmetoder använder vi?": the verb's subject comes after it, so the plural
        # noun is what is used, not who; "-are" is a doer ("vilka ledare har vi?").
        return False
    return following.endswith("r") or following in _AFTER_WHICH_PEOPLE


_SUBJECTS = frozenset({"vi", "ni", "jag", "du", "man"})


# What a role does, asked of it by name ("Vad gör mötesansvarig egentligen?", "what does the
# membership officer do?", "vad ska projektgruppen göra?", "what's the steering group
# responsible for?"): the role's answer, which gives its duty. "Vad gör jag nu?" names no one.
_WHAT = frozenset({"vad", "what"})
_WHAT_IS = frozenset({"what's", "whats"})
_ASKING_VERBS = frozenset({"gor", "ska", "har", "ansvarar", "does", "do", "is", "are"})
_DOING = frozenset({"gor", "gora", "ansvarar", "ansvar", "befogenheter", "uppgifter", "do",
                    "responsible", "duties"})


def _asks_what_a_role_does(folded: list[str], role_words: frozenset[str]) -> bool:
    if len(folded) < 3 or _DOING.isdisjoint(folded[1:]):
        return False
    if folded[0] in _WHAT_IS:
        told = folded[1:]
    elif folded[0] in _WHAT and folded[1] in _ASKING_VERBS:
        told = folded[2:]
    else:
        return False
    return _names_a_role(_without_leading(told, _BEFORE_A_ROLE), role_words)


def _names_a_role(told: list[str], role_words: frozenset[str]) -> bool:
    """The words after "vilka är"/"which is" begin with a role, after its owner if one is
    told ("styrelsens kontaktperson", "the board's contact"), not with a thing it owns
    ("e-rådets ämnesområden")."""
    told = told[1:] if told[:1] == ["the"] else told
    if not told:
        return False
    owner = told[0].removesuffix("'s")
    if told[0].endswith("s") and len(told) > 1 and _is_role_word(owner, role_words):
        told = told[1:]
    return _is_role_word(told[0], role_words)


_OF_US = frozenset({("of", "us"), ("av", "oss")})
_WHICH_PEOPLE_IN = frozenset({"i", "pa", "inom", "hos", "fran", "som"})
_EN_BEING_VERBS = frozenset({"is", "are", "was"})
# Verbs of being after "vilka <word>", which make that word the thing asked about.
_BEING_VERBS = frozenset({"ar", "var", "finns", "fanns", "blir"})
_BELONGING_VERBS = frozenset({"ingar", "ingick", "deltar", "sitter", "hor"})
_THEY = frozenset({"de", "dom", "ni", "vi", "alla"})
# Words for people after "which"/"vilka": the question asks who.
_PEOPLE = frozenset({"people", "persons", "person", "members", "ones", "individuals",
                     "personer", "medlemmar", "manniskor"})


def _is_role_word(word: str, role_words: frozenset[str]) -> bool:
    """True when `word` is a role word or an inflection of one ("kontaktpersonen")."""
    # "-are" loses its "e" in the plural and definite: "deltagare", "deltagarna".
    return word in role_words or any(
        word.startswith(r) or (r.endswith("are") and word.startswith(r[:-1]))
        for r in role_words if len(r) >= _MIN_ROLE_WORD
    )


_MIN_ROLE_WORD = 4


def role_words(texts: Iterable[str]) -> frozenset[str]:
    """The folded words of role titles and synonyms (`classify`'s `role_words`)."""
    return frozenset(fold(w) for text in texts for w in _WORD.findall(text.lower()) if len(w) > 2)


def request_verbs(duties: Iterable[tuple[str, Language]]) -> frozenset[str]:
    """The imperatives of the verbs duties start with ("Bokar" → "boka", "Publishes" →
    "publish"), folded: a message that starts with one asks the bot to do a role's work."""
    verbs = set()
    for duty, language in duties:
        first = fold(duty.split(maxsplit=1)[0]) if duty.strip() else ""
        if len(first) < 5 or not first.isalpha():
            continue
        if language == "sv":
            if first.endswith("ar"):
                verbs.add(first[:-1])  # bokar → boka, publicerar → publicera
            elif first.endswith("er"):
                verbs.add(first[:-2])  # godkänner → godkänn, skriver → skriv
                verbs.add(first[:-1])  # utser → utse
        elif first.endswith(("shes", "ches", "sses", "xes")):
            verbs.add(first[:-2])  # publishes → publish
        elif first.endswith("s") and not first.endswith("ss"):
            verbs.add(first[:-1])  # books → book, approves → approve
    # Verbs that also ask to be shown something or are small talk stay out ("visa", "help").
    return frozenset(verbs) - _REQUEST_STARTS - _NOT_REQUESTS


# Duty verbs that start questions and descriptions as often as requests.
_NOT_REQUESTS = frozenset({"help", "show", "visa", "give", "work", "arbeta", "fungera", "delta",
                           "stand", "make", "hall", "besta", "verka", "ansvara"})


def _has_phrase(words: list[str], phrases: frozenset[str]) -> bool:
    """True when one of `phrases` (one to four folded words) occurs among `words`."""
    for size in (1, 2, 3, 4):
        for start in range(len(words) - size + 1):
            if " ".join(words[start : start + size]) in phrases:
                return True
    return False


def _without_leading(words: list[str], leading: frozenset[str]) -> list[str]:
    """`words` from the first that is not one of `leading`."""
    start = 0
    while start < len(words) and words[start] in leading:
        start += 1
    return words[start:]


def _without_politeness(words: list[str]) -> tuple[list[str], bool]:
    joined = " ".join(words)
    for opening in _POLITE:
        if joined == opening or joined.startswith(opening + " "):
            return words[len(opening.split()) :], True
    return words, False


def _topic_matches(
    word: str, topic: str, compound: bool = False, role_words: frozenset[str] = frozenset()
) -> bool:
    """`compound`: a Swedish compound ending in the topic names it too ("e-rådsmöten",
    "styrgruppsmötet" are meetings), when the topic is long enough to be a noun of its own.
    A topic's any ending ("protokoll*") takes an inflection ("protokollet") but not a longer
    word for a role ("protokollförare")."""
    if topic.endswith("*"):
        start = topic[:-1]
        return word.startswith(start) and (
            len(word) - len(start) <= _MIN_COMPOUND_HEAD or word not in role_words
        )
    return word == topic or (
        compound
        and len(topic) >= _MIN_COMPOUND_TOPIC
        and len(word) - len(topic) >= _MIN_COMPOUND_HEAD
        and word.endswith(topic)
    )


_MIN_COMPOUND_TOPIC = 4  # "möte", "protokoll"; not "ses" or "item"
_SHOW_STARTS = frozenset({"visa", "lista", "kolla"})
_MIN_COMPOUND_HEAD = 3  # "e-råds", "styrgrupps": shorter heads are more often a prefix


# Words with which a message tells a problem with a thing rather than asks to see it.
_PROBLEM = frozenset({"inte", "ej", "saknas", "fattas", "aldrig", "not", "missing", "never",
                      "isn't", "hasn't", "haven't", "wasn't", "aren't", "weren't", "didn't",
                      "doesn't", "don't", "wrong", "incorrect", "fel", "felaktigt", "felaktiga",
                      # Not as agreed, or clashing ("the minutes say something different",
                      # "mötet krockar med …").
                      "different", "annorlunda", "krockar", "krock", "clash", "clashes",
                      "dubbelbokat", "dubbelbokad", "dubbelbokade", "double-booked"})


def _topic_command(
    words: list[str],
    commands: Sequence[Command] | CommandPhrases,
    text: str,
    *,
    verbs_only: bool = False,
    wished: bool = False,
    role_words: frozenset[str] = frozenset(),
) -> Classified | None:
    """The command whose topic a plain-language request names, with the whole text as its
    argument (the group may be named anywhere in it). `verbs_only`: only commands whose own
    verbs start the request ("lägg till … på dagordningen"). `wished`: the request followed
    "jag vill"/"I'd like to", which makes it a request whatever its first word."""
    if not words or words[0] in _FIRST_PERSON:
        return None
    known = (
        commands.topic_forms
        if isinstance(commands, CommandPhrases)
        else [_topic_forms(command) for command in commands]
    )
    best: tuple[int, int, Command, Language | None] | None = None
    # A compound names the topic only in a plain "visa …": elsewhere its head is more often
    # what the message is about ("krockar beredningsmötet …?" is for the preparation group).
    shows = words[0] in _SHOW_STARTS
    for command, forms in known:
        for language in ("sv", "en"):
            topics, verbs = forms[language]
            for parts in topics:
                compounds = language == "sv" and len(parts) == 1
                found = next(
                    (
                        start
                        for start in range(len(words) - len(parts) + 1)
                        if all(
                            _topic_matches(
                                words[start + i],
                                part,
                                # … or after "nästa": "nästa e-rådsmöte?" asks when it is.
                                compound=compounds
                                and (shows or words[start - 1 : start] == ["nasta"]),
                                role_words=role_words,
                            )
                            for i, part in enumerate(parts)
                        )
                    ),
                    None,
                )
                if found is None:
                    continue
                started = any(tuple(words[: len(v)]) == v for v in verbs)
                requested = (
                    started
                    # "har inte fått någon kallelse …" drops its "jag": a problem, not "har
                    # vi …?".
                    or (words[0] in _REQUEST_STARTS and words[1:2] != ["inte"])
                    # "Protokollet från mars": the topic first asks for it, unless the
                    # message tells a problem with it ("… ligger inte ute än").
                    or (found <= 1 and not _PROBLEM.intersection(words))
                    or len(words) <= 3
                    or _without_politeness(words)[1]
                    or (wished and found <= _WISHED_TOPIC_START)
                )
                if command.verbs.sv or command.verbs.en or verbs_only:
                    requested = started
                if requested and (best is None or (command.rank, found) < best[:2]):
                    best = (command.rank, found, command, language)
    if best is None:
        return None
    _, _, command, language = best
    in_both = any(t in command.topics.get("en" if language == "sv" else "sv")
                  for t in command.topics.get(language))
    # A command with its own verbs takes what follows them ("lägg till X på …" → "X på …").
    verb = next(
        (v for lang in ("sv", "en") for v in command.verbs.get(lang)
         if tuple(words[: len(fold(v).split())]) == tuple(fold(v).split())),
        None,
    )
    argument = text[len(verb):].lstrip(_LEADING_PUNCTUATION) if verb else text
    return Classified(command.name, argument, None if in_both else language)


_TopicForms = dict[Language, tuple[list[list[str]], list[tuple[str, ...]]]]


def _topic_forms(command: Command) -> tuple[Command, _TopicForms]:
    """Per language, a command's topics as folded words and its verbs as folded word tuples."""
    return command, {
        language: (
            [[fold(part) for part in topic.split()] for topic in command.topics.get(language)],
            [tuple(fold(verb).split()) for verb in command.verbs.get(language)],
        )
        for language in ("sv", "en")
    }


def _command(text: str, commands: Sequence[Command] | CommandPhrases) -> Classified | None:
    """The command whose longest leading phrase starts `text`, with the rest as argument.

    Accents are optional ("lagg till punkt"), as members type on any keyboard.
    """
    lowered = fold_in_place(text.lower())
    phrases = (
        commands.starting(lowered)
        if isinstance(commands, CommandPhrases)
        else _all_phrases(commands)
    )
    best: tuple[int, Command, Language] | None = None
    for command, language, phrase in phrases:
        if _starts_with_phrase(lowered, phrase) and (best is None or len(phrase) > best[0]):
            best = (len(phrase), command, language)
    if best is None:
        return None
    length, command, language = best
    in_both = any(
        _starts_with_phrase(lowered, fold(p)) and len(p) == length
        for p in command.words.get("en" if language == "sv" else "sv")
    )
    argument = text[length:].lstrip(_LEADING_PUNCTUATION).strip()
    return Classified(command.name, argument, None if in_both else language)


_Phrase = tuple[Command, Language, str]


class CommandPhrases:
    """The phrases of some commands, indexed by their first character.

    Every message is checked against every command phrase (about 70); indexed in the order
    they are tried, only the few that can start the text are. Build it once for a list of
    commands (a `Conversation` does, for its lifetime) and pass it to `classify`.
    """

    def __init__(self, commands: Iterable[Command]):
        self.commands = tuple(commands)
        self._all = _all_phrases(self.commands)
        # Folded once here rather than for every message that reaches `_topic_command`.
        self.topic_forms = [_topic_forms(command) for command in self.commands]
        index: dict[str, list[_Phrase]] | None = {}
        for command, language, phrase in self._all:
            if not phrase:  # an empty phrase starts every text: no index
                index = None
                break
            index.setdefault(phrase[0], []).append((command, language, phrase))
        self._index = index

    def starting(self, lowered: str) -> Sequence[_Phrase]:
        """(command, language, phrase) that may start `lowered`, in the order of the commands."""
        if self._index is None:
            return self._all
        return self._index.get(lowered[:1], ())


def _all_phrases(commands: Sequence[Command]) -> list[_Phrase]:
    return [
        (command, language, fold(phrase))
        for command in commands
        for language in ("sv", "en")
        for phrase in command.words.get(language)
    ]


def _starts_with_phrase(text: str, phrase: str) -> bool:
    if not text.startswith(phrase):
        return False
    rest = text[len(phrase):]
    return not rest or not (rest[0].isalnum() or rest[0] == "_")
