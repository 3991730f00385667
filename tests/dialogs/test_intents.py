"""The message classifier: who-questions, commands (leading words or plain language), small
talk and requests the bot does not carry out, in Swedish and English."""

from pathlib import Path

import pytest

from dialogs.installation import CHANNELS_COMMAND
from dialogs.meetings import ADD_ITEM_COMMAND, AGENDA_COMMAND, MEETINGS_COMMAND, WHEEL_COMMAND
from dialogs.minutes import MINUTES_COMMAND
from dialogs.posts import POSTS_COMMAND
from dialogs.roles_admin import ROLES_COMMAND
from domain.registry import Localized
from services.intents import (
    QUESTION,
    Command,
    CommandPhrases,
    Intent,
    SmallTalk,
    classify,
    request_verbs,
)
from services.who import ContactFinder
from storage.registry_files import load_directory


@pytest.mark.parametrize("text", ["Hej", "hej!", "Hejsan bot", "God morgon", "hello there", "Hi",
                                  "hej hej", "Tjena alla"])
def test_greetings(text):
    assert classify(text).kind is SmallTalk.GREETING


@pytest.mark.parametrize("text", ["tack", "Tack så mycket!", "thanks", "Thank you", "tusen tack",
                                  "tack tack"])
def test_thanks(text):
    assert classify(text).kind is SmallTalk.THANKS


@pytest.mark.parametrize(("text", "kind"), [
    ("hej då", SmallTalk.GOODBYE), ("Hejdå!", SmallTalk.GOODBYE), ("vi ses", SmallTalk.GOODBYE),
    ("bye, have a nice day", SmallTalk.GOODBYE), ("ok", SmallTalk.ACKNOWLEDGED),
    ("Okej!", SmallTalk.ACKNOWLEDGED), ("got it", SmallTalk.ACKNOWLEDGED),
    ("👍", SmallTalk.ACKNOWLEDGED), ("🙂🙂", SmallTalk.ACKNOWLEDGED),
])
def test_goodbyes_and_acknowledgements_ask_nothing(text, kind):
    route = classify(text, BOT_COMMANDS, DUTY_VERBS, ROLE_WORDS)
    assert (route.kind, route.intent) == (kind, Intent.SMALL_TALK)


@pytest.mark.parametrize(("text", "language"), [
    ("Tack till kansliet för en väldigt tydlig genomgång av utkastet idag", "sv"),
    ("Thanks to everyone for a great meeting in Göteborg last week", "en"),
])
def test_thanks_told_at_length_is_acknowledged_in_its_language(text, language):
    route = classify(text, BOT_COMMANDS, DUTY_VERBS, ROLE_WORDS)
    assert (route.kind, route.language) == (SmallTalk.ACKNOWLEDGED, language)


@pytest.mark.parametrize("text", ["visa årshjulet 🙂", "dagordning för VNS 🙏",
                                  "visa årshjulet!", "Show the agenda for VNS!"])
def test_an_emoji_or_an_exclamation_does_not_make_a_command_a_remark(text):
    assert intent_of(text) is Intent.COMMAND


@pytest.mark.parametrize("text", ["vem är du?", "Who are you?", "who made you?",
                                  "vem har gjort dig?"])
def test_asking_who_the_bot_is_is_answered_by_the_greeting_not_a_role(text):
    assert classify(text, BOT_COMMANDS, DUTY_VERBS, ROLE_WORDS).kind is SmallTalk.GREETING


@pytest.mark.parametrize("text", ["hjälp", "Help", "?", "", "   ", "vad kan du?",
                                  "What can you do?", "hjälp mig"])
def test_help(text):
    assert classify(text).kind is SmallTalk.HELP


@pytest.mark.parametrize("text", [
    "Vem är ordförande?",
    "Hej, vem bokar lokalen?",      # a greeting with a question is a question
    "thanks, who keeps the budget?",
    "help with the budget",
    "hjälp hjälp",                  # help needs its whole phrase, repeated or not
    "hej tack",                     # small talk of two kinds at once is no one kind
])
def test_questions(text):
    assert classify(text).kind == QUESTION


AGENDA = Command("agenda", Localized(sv=("dagordning", "dagordningen"), en=("agenda",)))
ADD_ITEM = Command("add_item", Localized(sv=("lägg till punkt", "lägg till"), en=("add item",)))
COMMANDS = (AGENDA, ADD_ITEM)


@pytest.mark.parametrize(
    ("text", "name", "argument", "language"),
    [
        ("dagordning", "agenda", "", "sv"),
        ("Dagordningen för logistik", "agenda", "för logistik", "sv"),
        ("agenda", "agenda", "", "en"),
        ("Lägg till punkt: Budget 2027", "add_item", "Budget 2027", "sv"),  # longest phrase wins
        ("lägg till Budget", "add_item", "Budget", "sv"),
        ("add item - new website", "add_item", "new website", "en"),
        # Text pasted from a PDF keeps its ligatures ("ﬁ" folds to two letters) and its
        # "ß": "lägg" still matches the folded phrase, and the point is kept whole.
        ("Lägg till punkt: Ekonomisk uppföljning, ﬁnal", "add_item",
         "Ekonomisk uppföljning, ﬁnal", "sv"),
        ("Lägg till punkt Straße-avtalet (ŀ)", "add_item", "Straße-avtalet (ŀ)", "sv"),
    ],
)
def test_commands_are_recognised_by_their_leading_words(text, name, argument, language):
    route = classify(text, COMMANDS)
    assert (route.kind, route.argument, route.language) == (name, argument, language)


@pytest.mark.parametrize("text", ["agendas are long", "Vem sätter dagordningen?", "dagordningar"])
def test_a_command_word_inside_or_extended_is_not_a_command(text):
    assert classify(text, COMMANDS).kind == QUESTION


# Phrases sharing first letters, one phrase in both languages, and the commands above.
ANNUAL = Command("wheel", Localized(sv=("årshjul", "år", "a"), en=("annual wheel", "a")))
MORE = Command("more", Localized(sv=("dagordning för styrelsen",), en=("agenda board",)))


@pytest.mark.parametrize(
    "text",
    [
        "dagordning", "Dagordning för styrelsen i morgon", "agenda board", "agenda", "årshjul",
        "år 2027", "åren", "a", "A b", "annual wheel 2026", "add item x", "lägg till", "",
        "Vem är ordförande?", "?", "ärende", "ÅRSHJUL!", "İstanbul", "agendaboard",
    ],
)
def test_commands_are_found_the_same_with_the_phrase_index_and_without(text):
    commands = (AGENDA, ADD_ITEM, ANNUAL, MORE)

    phrases = CommandPhrases(commands)
    indexed = classify(text, phrases)  # phrases indexed once, reused per message
    scanned = classify(text, commands)  # a plain sequence: every phrase is tried

    assert indexed == scanned
    assert classify(text, phrases) == indexed  # the second time, from the same index


def test_an_empty_command_phrase_is_tried_as_before():
    anything = Command("anything", Localized(sv=("",), en=()))
    assert classify("? hej", CommandPhrases((anything,))) == classify("? hej", [anything])
    assert classify("? hej", CommandPhrases((anything,))).kind == "anything"


# -- the message classifier with the bot's own commands --------------------------------------

BOT_COMMANDS = CommandPhrases([
    AGENDA_COMMAND, ADD_ITEM_COMMAND, MEETINGS_COMMAND, WHEEL_COMMAND, ROLES_COMMAND,
    CHANNELS_COMMAND, MINUTES_COMMAND, POSTS_COMMAND,
])
# The imperatives of the shipped networks' duties and their role words, as the conversation
# passes them: the finder's own (titles and one-word synonyms, no situations).
SHIPPED = load_directory(Path(__file__).resolve().parents[2] / "data" / "networks")
_FINDER = ContactFinder(SHIPPED)
DUTY_VERBS = _FINDER.request_verbs
ROLE_WORDS = _FINDER.role_words


def intent_of(text: str) -> Intent:
    return classify(text, BOT_COMMANDS, DUTY_VERBS, ROLE_WORDS).intent


@pytest.mark.parametrize("text", [
    "vem bokar lokalen?",
    "Who keeps the member register?",
    "vilka sitter i styrelsen?",
    "jag är ny i gruppen och vill komma med på listan",  # a situation: needs a person
    # A compound naming a meeting, not asked to be shown: about the body that meets.
    "styrelsemötet krockar med vår nämnd, går det att flytta?",
    "vilka brukar vara med på styrgruppsmötet?",
    "we'll be two more from our region at the next meeting",
    "vem sätter dagordningen?",  # a command's topic, but asked who
    "who writes the minutes?",
    "vilken kontaktperson har vi mot styrelsen?",  # which person: a role word follows
    "which board member looks after the expert groups?",
    "hur når jag kansliet?",  # how to reach someone is whom to reach
    "How do I reach the office that supports our working group?",
    "is anyone responsible for the member list?",  # yes or no, but asks for someone
    "är processledaren med i beredningen?",  # belonging to a body
    "Is the process leader a member of the preparation group?",
    "Is the vice chair part of the preparation group?",
    "finns det någon som har hand om budgeten?",
    "vi vill ta in en extern föreläsare i höst, har vi råd med det?",  # a situation
    "jag vill ta upp en fråga på nästa möte",  # a meeting is where, not what is wished
    # Asked yes or no, but for someone: still who-questions.
    "Har ni någon som bokar lokal?",
    "Kan någon hjälpa mig med fakturan?",
    "Finns det en kontaktperson mot styrelsen?",
    "Är det sekreteraren som sparar anteckningarna?",
    "Har vi en sekreterare i gruppen?",
    # A role's word that starts like a command's topic ("protokoll*") is the role's.
    "finns det nån protokollförare i vns?",
    "Is there someone who books the venue?",
    "Can someone help me with the invoice?",
    "Could you tell me who keeps the minutes?",
    "behöver hjälp med det praktiska mellan träffarna",  # no question mark: "jag" dropped
    "har ett förslag på hur uppdragen kan bli bättre",
    "I think we need someone to help with the budget",  # an opinion that asks for someone
    # A question of fact told as what someone else asks or nobody knows: a situation.
    "Fotografen frågar hur många vi blir på festen",
    "Ingen vet hur mycket pengar som finns kvar i kassan",
    "we don't know how much is left in the kitty",
    "The photographer asks how many of us are coming",
    # An opinion followed by a wish is a situation.
    "Vi tycker att planen är färdig och vill att någon godkänner den",
    "We think the report is done and want it sent on",
    # A command's topic first, then a problem with it told at length: a situation.
    "Protokollet från styrelsemötet har fortfarande inte kommit ut till oss",
    "The minutes from the spring meeting are still missing from the shared folder",
    "Vet du någon som kan hjälpa till med budgeten?",
    # Where to send something is to whom.
    "Vart skickar jag våra synpunkter på utkastet?",
    "Where do I send the comments from our region?",
    # A command's leading words, then a who-question about them.
    "Protokollet från mars saknas på sidan, vem kan lägga upp det?",
    "Agenda for Logistics is missing, who sets it?",
    # The plural "vilka" with its verb or a preposition after it asks which people.
    "Vilka jobbar på kansliet?",
    "Vilka på kansliet jobbar med vår grupp?",
    # "Var" is "where" only before a verb of being kept; sending or turning asks for someone.
    "var skickar jag kvittot från hotellet?",
    "var vänder jag mig med frågor om budgeten?",
    "var grupp behöver en ny sekreterare, vem utser den?",
    # A remark that still asks for someone, or asks at all.
    "Ingen i gruppen verkar veta vem som gör vad, allt blir rörigt",
    "budgetmallen är så krånglig, kan någon hjälpa mig med den?",
    # An opinion that something is ready: someone must take it on.
    "we think the programme is ready to be handed over for maintenance",
    "vi tycker produkten är redo att lämnas över till förvaltning nu",
    # "Finns det" asks yes or no, but for someone when it says so.
    "finns det någon som bokar lokal till vårmötet",
    # A link that never came is for whoever sends the notice; only trouble with it is IT's.
    "the Skype link for the council meeting never arrived",
    "I never got the calendar invite for the council meeting",
    "jag hittar inte skypelänken till beredningsmötet",
    # A command's topic, then what is wrong with it: a situation.
    "the minutes from the last meeting are wrong",
    "the minutes from the last meeting aren't on the website",
    # Which people, or who they are ("e" as it is said for "är").
    "vilka e med i referensgruppen",
    "Which people make up the steering group of the e-council?",
    "vilka är de som sitter i styrgruppen?",
    "vilka förbereder agendan, alltså vilka är beredningen?",
    # The verb first without "jag", no question: a situation.
    "har inte fått någon kallelse till beredningsmötet",
    "kan inte komma på mötet i maj pga dubbelbokning",
    # What ought to be, told of a person or of "someone": a situation.
    "min kollega har slutat, hon borde inte stå kvar som medlem i gruppen",
    "Two of our projects are doing almost the same thing, somebody should coordinate them",
    "kallelsen borde ha kommit nu",
    # Whether the group can afford something: the finance role's call, not a fact to look up.
    "har vi råd att bjuda in en föreläsare?",
    "Can our group afford to pay for an external speaker in May?",
    # A command's topic with a problem told: not received, not as agreed, clashing.
    "har inte fått nån kallelse till mötet i april",
    "the minutes say something different from what we agreed",
    "Mötet i september krockar med budgetdagarna hos oss, går det att flytta?",
    # A judgement with a need told is a situation.
    "we need to change the scope of the project, it's grown way too big",
    # Whether a role is held asks for its holder; a need told after "honestly" is a situation.
    "har vi redan en kassör?",
    "honestly we need someone to book the rooms",
    # A problem or a need told with the signs of a remark, or of a task done for the asker.
    "hittar inte protokollet från i våras 😩",
    # "Vilken är …", "vilka är …" and "which of us" with a role, or "vilka i …" first.
    "Vilken är sekreterarens ersättare i vår grupp?",
    "which is the board's contact person for us?",
    "vilka är deltagarna i arbetsgruppen",
    "vilka är de som sitter i styrgruppen?",
    "vilka är dom i beredningen nu?",
    "Which of us are on the board?",
    "vilka i beredningen ska jag mejla inför mötet på torsdag?",
    "vi behöver någon som bokar rum åt oss",
    # A body asked for by the roles it is made of.
    "vad heter gruppen där ordföranden och processledaren förbereder ärenden?",
    "Which group is made up of the chair and the process leader?",
    # A choice between two roles asks which of them.
    "Is it the secretary or the chair who sends out the notes?",
    "ska jag mejla kassören direkt eller vår ordförande om fakturan?",
    # What seems to have happened is a situation; how something feels is a remark.
    "det känns som att projektet har glidit iväg från planen",
    # Whether there is a body made up of roles asks for that body.
    "Is there a group made up of the chair and the process leader?",
    "finns det en grupp med ordföranden och processledaren?",
    # What a role does, asked of it by name: the role's answer gives its duty.
    "Vad gör sekreteraren egentligen?",
    "what does the treasurer do?",
    "vad ska referensgruppen göra?",
    "What's the steering group responsible for?",
    # The people of a body asked with a hedge, or one of them asked for.
    "Vilka är egentligen med i styrgruppen?",
    "Which of the steering group signs the minutes?",
    # News with a wish, and a double booking exclaimed, are situations.
    "Region Gävleborg har fått en ny kostchef som vill gå med i gruppen",
    "Hotellet har dubbelbokat vår lokal i mars!!",
])
def test_who_questions_asked_outright_or_as_a_situation(text):
    assert intent_of(text) is Intent.WHO


@pytest.mark.parametrize(("text", "command"), [
    ("vad står på dagordningen för Logistik?", "agenda"),
    ("what's on the agenda for Logistics?", "agenda"),
    ("dagordning för VNS", "agenda"),
    ("visa årshjulet", "wheel"),
    ("what deadlines are coming up in the annual wheel?", "wheel"),
    ("när är nästa möte?", "meetings"),
    ("when do we meet next?", "meetings"),
    ("har vi några träffar inbokade i höst?", "meetings"),  # "träffar" is meetings too
    ("vilka möten saknar protokoll?", "minutes"),
    ("which of our meetings still lack minutes?", "minutes"),
    ("lista rollerna i gruppen", "roles"),
    ("show the roles in the council", "roles"),
    ("visa kanalkopplingen", "channels"),
    ("show scheduled posts", "posts"),
    ("lägg till 'ny upphandling' på dagordningen för logistik", "agenda.add_item"),
    ("lagg till punkt om e-tjanster pa agendan", "agenda.add_item"),  # accents optional
    # A wish in the first person with a command's topic: that command.
    ("jag vill lämna in protokollet från mötet i tisdags", "minutes"),
    ("I'd like to see the agenda for Logistics", "agenda"),
    # The group told first, set off by a comma or a colon.
    ("för Måltider, vilka möten har vi i vår?", "meetings"),
    ("VNS: dagordning", "agenda"),
    # "de" as the article of the things asked for, not as "they".
    ("vilka är de närmaste mötena för Logistik?", "meetings"),
    ("Logistics, show the annual wheel please", "wheel"),
    ("vi vill se årshjulet", "wheel"),
    # Asked yes or no whether the topic is missing: the command that shows it.
    ("saknas det protokoll från något möte?", "minutes"),
    ("are any minutes missing?", "minutes"),
    # Asked to be shown, a Swedish compound ending in the topic names it.
    ("visa kommande styrgruppsmöten", "meetings"),
    ("lista nätverksträffarna i vår", "meetings"),
    ("show the upcoming steering group meetings", "meetings"),
    # "when's" spelled out as the phrases spell it; "saknar vi …?" asks like "saknas det …?".
    ("when's our next meeting?", "meetings"),
    ("saknar vi protokoll från något möte?", "minutes"),
    # After "nästa", a compound ending in "möte" is a meeting asked about too.
    ("Nästa styrgruppsmöte?", "meetings"),
    ("när är nästa nätverksmöte", "meetings"),
])
def test_plain_language_commands_in_both_languages(text, command):
    route = classify(text, BOT_COMMANDS, DUTY_VERBS)
    assert (route.kind, route.intent) == (command, Intent.COMMAND)


@pytest.mark.parametrize(("text", "language"), [
    ("help", "en"), ("hjälp", "sv"), ("what can you do?", "en"), ("hjalp, vad kan du?", "sv"),
    ("Show help", "en"), ("visa hjälpen", "sv"), ("show the commands", "en"),
])
def test_help_is_a_command_in_the_language_it_was_written_in(text, language):
    route = classify(text, BOT_COMMANDS, DUTY_VERBS)
    assert (route.kind, route.intent, route.language) == (SmallTalk.HELP, Intent.COMMAND, language)


@pytest.mark.parametrize("text", [
    "hej!", "hi there", "tack för hjälpen!", "thanks, that helped", "hur mår du idag?",
    "tell me a joke", "blir det regn i morgon?",
    "Trevlig helg allihop!", "God jul och gott nytt år!", "Have a nice weekend, everyone",
    "haha ok", "Hi bot, nice to meet you", "Är du en robot?", "Du är ju riktigt smart du",
    "you're a clever one", "Tack, det var precis vad jag behövde!",
    "Gott slut och god fortsättning, vi hörs efter helgerna!",
    "good job, bot", "Bra jobbat!", "sekreteraren gjorde ett grymt jobb med anteckningarna igår",
])
def test_small_talk_in_both_languages(text):
    assert intent_of(text) is Intent.SMALL_TALK


@pytest.mark.parametrize("text", [
    "boka ett rum åt oss på tisdag",  # "Bokar …" is a duty: asked of the bot, not who does it
    "skicka protokollet till alla",
    "kalla till beredningsmöte nästa vecka",
    "can you book the meeting room for March?",
    "send the minutes to everyone in the group",
    "publish the action plan on the website",
    "hur stor är budgeten för logistik i år?",  # questions of fact
    "how many regions are members of Best Service?",
    "Vad är klockan?",
    "kommer inte in i Projectplace, lösenordet funkar inte",  # IT trouble
    "the wifi in the conference room is down again",
    "vad tycker du om den nya städstandarden?",
    "vilket resurscentrum ska ta över förvaltningen?",  # which thing, not which person
    "Vilka ämnesområden jobbar rådet med?",  # which things, plural
    "Which subject areas does the council work on?",
    # How long or since when: a date, not a person.
    "until when does the assignment run?",
    "Till när gäller uppdraget?",
    "Hur länge gäller uppdraget?",
    "jag vill att du skickar ut kallelsen",  # the bot asked to act
    "utse en ny sekreterare",
    # Questions answered yes or no that ask for nobody: of fact, or an opinion.
    "Is our budget for next year big enough?",
    "Is benchmarking really worth the effort?",
    "Is the e-council allowed to decide our municipality's digital strategy?",
    "räcker budgeten till en studieresa?",
    "does the action plan cover e-services?",
    # A belonging word that names a thing ("the member register"), or "is there" a thing:
    # still a question of fact.
    "Is the member register kept in a safe place?",
    "Are the members' addresses stored safely?",
    "Is there a budget for travel this year?",
    "Är medlemsregistret uppdaterat?",
    "sammanfatta kansliutkastet åt mig",  # a summary asked of the bot
    "Projectplace loggar ut mig hela tiden",  # IT trouble
    # The asker's own question of fact stays one ("jag undrar hur …", "vet du hur …?").
    "Jag undrar hur många som brukar komma",
    "Vet du hur mycket en lokal kostar?",
    # Swedish questions with the verb first, asking for nobody.
    "Beslutas budgeten på årsmötet?",
    "Godkänns verksamhetsplanen av styrelsen?",  # passive of a duty verb
    "Måste planen godkännas innan vi börjar?",
    "Ska vi ha fika på nästa möte?",
    "Har styrgruppen rätt att stoppa projektet?",
    "Får gruppen bjuda in gäster?",
    "Är det verkligen nödvändigt att ses två gånger per år?",
    # English modals and "is it": the same.
    "Can the chair also be the secretary?",
    "Is it ok to meet online instead?",
    "Must the plan be approved before we start?",
    # Opinions, both languages, also asked of the readers ("tycker ni …?").
    "Tycker ni att mötena är för långa?",
    "Anser ni att gruppen behöver fler medlemmar?",
    # A statement ended by a tag question asks whether it is so.
    "The invitation came two days late, isn't that a problem?",
    "Kallelsen kom för sent, eller hur?",
    "I think the council meets far too rarely",
    "Jag tycker att mötena är för långa",
    # The bot asked about itself.
    "Sparar du det jag skriver?",
    "Do you keep what I write to you?",
    # Trouble with a named tool.
    "Projectplace laddar inte, jag får bara felmeddelanden",
    "SharePoint won't load on my laptop",
    "Outlook: login error every morning",
    # Trouble told as never finishing.
    "inspelningen från webbinariet laddar aldrig klart",
    "the training videos never load for me",
    # Which things are best: an opinion, though the plural noun ends in -r like a verb.
    "vilka mallar är bäst för en handlingsplan?",
    "which templates are best for an action plan?",
    # Where a thing is kept, in Swedish as in English: a question of fact.
    "var sparas protokollen?",
    "Var hittar jag handlingsplanen för digitalisering?",
    "var ligger projektplanen",
    "where can I find the activity plan?",
    # What a word means.
    "ekonomiavstämning, vad menas med det?",
    "what is meant by a budget reconciliation?",
    # An opinion after an interjection.
    "honestly I think the budget process is way too slow",
    "ärligt talat tycker jag att mötena är för långa",
    # A remark, told without a question: how the member finds something.
    "protokollen är alltid sena, det är så irriterande",
    "budgeten är alldeles för liten i år tycker jag",
    "sekreteraren glömde skriva ner mitt förslag, typiskt",
    "the room booking system is so bad",
    "the budget template is confusing",
    "protokollet från förra mötet var uselt skrivet",
    # Mail that went astray: the mail system's trouble.
    "mejlet med utkastet hamnade i skräpposten",
    "the invitation went to my spam folder",
    # The bot addressed, without asking who: about the bot, or for it to do.
    "vilka uppgifter sparar du om mig?",
    "do you keep a log of what I write here",
    # Trouble with a link, or asking whether it works for others.
    "skypelänken funkar inte",
    "funkar skypelänken för nån annan?",
    # The bot's own reminders.
    "the reminder was posted in the wrong channel",
    "påminnelsen om mötet kom två gånger",
    # "Finns det …" asks yes or no, question mark or not.
    "finns det en mall för aktivitetsplanen",
    # The verb, then a definite subject: asked, question mark or not.
    "har e-rådet mandat över kommunernas digitaliseringsstrategi",
    # Where a thing is kept, asked with a contraction; no access to a shared folder.
    "where's the member register stored?",
    "jag kommer inte åt projektmappen på SharePoint",
    # Which things ("vilka är <owner's> <things>", "vilka <nouns> ingår"), when, after an
    # adverb; a locked account; how long something took.
    "vilka är e-rådets ämnesområden?",
    "vilka regioner ingår i Best Service?",
    "senast när måste lokalerna vara bokade?",
    "mitt projectplace-konto är låst",
    "ekonomiavstämningen tog en evighet idag",
    # Praise of the work, told without a question.
    "This project is honestly the best thing that's happened to our county",
    # Judgements told without a question, and an opinion of how something is.
    "the secretary role is pretty boring honestly",
    "jag tycker budgeten är för liten i år",
    # How a thing or body ought to be, and disorder: opinions, told without a question.
    "styrelsen borde lyssna mer på expertgrupperna",
    "the board should listen more to the expert groups",
    "the member register in Projectplace looks really messy",
    "medlemslistan är rena kaoset",
    # "… är väl …?" asks to be told that it is so.
    "beredningsmötet är väl ett skypemöte?",
    # A calendar showing the wrong time is the calendar's trouble.
    "the calendar invite for the e-council shows the wrong time",
    "mötet visar fel tid i outlook",
    # Praise, hard reading and "honestly …" told without a question; IT trouble in other words.
    "Riktigt bra protokoll från senaste mötet",
    "medlemsregistret ser bra ut nu iaf",
    "Utkastet är väldigt svårläst",
    "Honestly the board never listens to the expert groups",
    "projectplace isn't loading again",
    "skype link is broken cant hear anything",
    # Yes/no questions of fact: whether something is done, whether two things are the same.
    "Har vi redan bokat lokal för nästa år?",
    # Which thing: the neuter, or no role after "vilken är".
    "Vilket är årets tema i år?",
    # Sighs, weariness, praise and news told for the record; a task asked with "gör".
    "mötet drog över en timme igen, suck",
    "orkar inte med budgetarbetet just nu",
    "ville bara säga att fikat på träffen var kanonbra",
    "gör ett utkast till verksamhetsplanen",
    "beräkna kostnaden per deltagare för träffen",
    "styrgruppen har för lite att säga till om, tycker det är konstigt",
    "vilken är bäst av mötesplattformarna?",
    "Är SKL samma som SKR?",
    # Remarks made in passing: "ju", an emoji, letters drawn out, outrage, news for the record.
    "styrgruppen har ju redan bestämt det där",
    "lunchen på träffen var så god 😋",
    "dagordningen var jääättelång idag",
    "det här med rumsbokningen är en skandal",
    "the new member list is out, just fyi",
    "minnesanteckningarna är ute nu, bara så ni vet",
    # An opinion marked as one, a superlative, too many of something.
    "the new budget template is way better imo",
    "utvecklingsprojektet är nog det bästa länet har gjort",
    "det kommer för många mejl om projektet",
    "there are too many project meetings before the summer",
    # A choice between two tools, not two roles.
    "Ligger medlemsregistret i Projectplace eller Teams?",
    # Something to be done for the asker, asked of the bot.
    "sammanställ siffrorna från enkäten åt oss",
    # News exclaimed, told at length, or an opinion marked as one.
    "Strömstad har precis lanserat en ny e-tjänst för bygglov!",
    "Jag ville bara berätta att vi har testat det nya arbetssättet i tre veckor nu",
    "Det här projektet är ett slöseri med tid om ni frågar mig",
    # Judged and found wanting, judged after the fact, how it feels, weariness, news "btw".
    "Lunchen på förra mötet var inte god alls",
    "Resultatpresentationen igår var lite för lång tyckte jag",
    "Spridningsplanen känns väldigt ambitiös",
    "mötet krockar med kommunstyrelsen igen, så trött på det",
    "I'm the new treasurer btw",
    # News of a moment ago, told by someone not in it.
    "The county just announced budget cuts for next year",
    "Fick just höra att Konstella byter namn",
    # What something is called, asked yes or no.
    "Heter det inte SKR nuförtiden och inte SKL?",
    # Asked to be told it is so; a tool that will not load, asked whether it is down.
    "SKL heter ju SKR nu va?",
    "Projectplace vill inte ladda, är det nere?",
    # How a meeting went, told afterwards; a meeting called off, told as news; a link or a
    # film that will not open or play.
    "Arbetsmötet i går var väldigt givande",
    "The workshop went really well!",
    "Beredningsmötet är inställt nästa vecka",
    "Jag får inte upp kallelsen i mobilen",
    "the video won't play on my phone",
    "Länken i kallelsen är trasig",
    # The members asked what they have read, or for tips: nobody's duty.
    "Has anyone seen the new guidelines from the county?",
    "Har ni läst utvärderingen från Vinnova?",
    "Har nån tips på en bra föreläsare om hållbarhet?",
    # Somebody else's news.
    "Region Halland har fått en ny vårdchef",
    "the county has launched a new app for home care",
    # What the network does, or the asker: no role's duties answer it.
    "What does Best Service do?",
    "vad gör vi nu?",
    # A site that is down, news heard from others or headed as news, praise first, what a
    # topic took of a meeting, a fact of the past, a statement asked to be confirmed, what
    # is done in general.
    "hemsidan ligger nere igen",
    "Konstella har tydligen flyttat sitt kontor",
    "Nyhet: regionen byter intranät i höst",
    "Great workshop with the county today",
    "Budgetgenomgången tog hela träffen",
    "Vilken restaurang åt vi på förra gången?",
    "styrgruppen bytte namn 2019 va?",
    "Vilka mätmetoder brukar man använda för uppföljning?",
    # A tool that has been down, news read in the paper or asked for, a summary asked of
    # the bot, which things "we" use.
    "Intranätet har legat nere sedan lunch",
    "the intranet has been down all day",
    "Läste i tidningen att regionen ska slå ihop två förvaltningar",
    "Any news about the new e-services?",
    "Summera diskussionen från förra träffen",
    "Vilka enkäter skickar vi ut i vår?",
    # A meeting tool that will not let one in, a program that freezes, news one read.
    "Projectplace släpper inte in mig längre",
    "Excel fryser när jag öppnar budgetmallen",
    "I read that the county is merging two departments, is that true?",
    # A slow tool, news read and asked to be confirmed.
    "Intranätet är sjukt segt idag",
    "Läste att regionen byter namn, stämmer det?",
])
def test_requests_the_bot_does_not_carry_out_in_both_languages(text):
    assert intent_of(text) is Intent.UNSUPPORTED


def test_request_verbs_come_from_the_duties_so_a_new_duty_is_recognised_without_code():
    verbs = request_verbs([("Arkiverar protokollen.", "sv"), ("Archives the minutes.", "en"),
                           ("Utses av gruppen.", "sv"), ("Appointed by the group.", "en")])

    assert {"arkivera", "archive"} <= verbs
    assert classify("arkivera protokollen från i fjol", (), verbs).intent is Intent.UNSUPPORTED
    assert classify("arkivera protokollen från i fjol").intent is Intent.WHO


def test_the_passive_of_a_duty_verb_asks_yes_or_no_also_with_a_doubled_consonant():
    # Made-up duties: "Bestämmer …" makes "bestäms" its passive, as "Kallar …" makes "kallas".
    verbs = request_verbs([("Bestämmer träningstiderna.", "sv"), ("Kallar till årsmötet.", "sv")])
    assert classify("Bestäms träningstiderna av tränaren?", (), verbs).intent is Intent.UNSUPPORTED
    assert classify("Kallas medlemmarna i tid?", (), verbs).intent is Intent.UNSUPPORTED
    assert classify("Vem bestämmer träningstiderna?", (), verbs).intent is Intent.WHO
