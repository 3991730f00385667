"""The minutes' sentences (asking, filing, refusing, chasing, status), Swedish and English."""

from __future__ import annotations

from domain.minutes import Refusal, RejectedFile
from domain.registry import Language, Localized
from texts.markdown import escape

MINUTES_COMMAND = Localized(sv="protokoll", en="minutes")

ASK_TITLE = Localized(sv="Protokoll för mötet {day}", en="Minutes of the meeting on {day}")
ASK_TEXT = Localized(
    sv="Mötet är slut. {secretary}, skicka protokollet till mig i en personlig chatt (eller "
    "här med @samverkansboten) så sparar jag det i kanalens filer.",
    en="The meeting has ended. {secretary}, send me the minutes in a personal chat (or here "
    "with @samverkansboten) and I will file them in the channel's files.",
)
ASK_PERSONAL_TEXT = Localized(
    sv="Mötet i {group} är slut. Skicka protokollet till mig här i chatten så sparar jag det "
    "i kanalens filer.",
    en="The meeting of {group} has ended. Send me the minutes here in this chat and I will "
    "file them in the channel's files.",
)
ASK_TEXT_NO_SECRETARY = Localized(
    sv="Mötet är slut. Gruppen har ingen sekreterare registrerad, så den som förde "
    "protokollet: skicka det till mig i en personlig chatt (eller här med @samverkansboten) "
    "så sparar jag det i kanalens filer.",
    en="The meeting has ended. The group has no secretary registered, so whoever took the "
    "minutes: please send them to me in a personal chat (or here with @samverkansboten) and "
    "I will file them in the channel's files.",
)
SECRETARY = Localized(sv="Sekreterare", en="Secretary")
NO_SECRETARY = Localized(sv="ingen registrerad", en="none registered")
MEETING = Localized(sv="Möte", en="Meeting")
FOLDER_BUTTON = Localized(sv="Öppna mappen", en="Open the folder")
UPLOAD_BUTTON = Localized(sv="Ladda upp protokollet", en="Upload the minutes")

REMINDER_TITLE = Localized(
    sv="Protokollet saknas för mötet {day}", en="The minutes of the meeting on {day} are missing"
)
REMINDER_TEXT = Localized(
    sv="Protokollet från {group} {day} har inte kommit in ({since}). {who}, skicka det till "
    "mig så sparar jag det.",
    en="The minutes of {group} on {day} have not arrived ({since}). {who}, please send them "
    "to me and I will file them.",
)
REMINDER_TEXT_CHAIR_ONLY = Localized(
    sv="Protokollet från {group} {day} har inte kommit in ({since}). Gruppen har ingen "
    "sekreterare registrerad; {who}, se till att någon skickar det till mig så sparar jag det.",
    en="The minutes of {group} on {day} have not arrived ({since}). The group has no "
    "secretary registered; {who}, please make sure someone sends them to me and I will file "
    "them.",
)
REMINDER_TEXT_NO_SECRETARY = Localized(
    sv="Protokollet från {group} {day} har inte kommit in ({since}). Gruppen har ingen "
    "sekreterare registrerad, så den som förde protokollet: skicka det till mig så sparar "
    "jag det.",
    en="The minutes of {group} on {day} have not arrived ({since}). The group has no "
    "secretary registered, so whoever took the minutes: please send them to me and I will "
    "file them.",
)


def days_since_meeting(days: int, language: Language) -> str:
    """`3 dagar sedan mötet` / `3 days since the meeting` (`mötet var i dag` for 0)."""
    if days <= 0:
        return "mötet var i dag" if language == "sv" else "the meeting was today"
    if language == "sv":
        return f"{days} {'dag' if days == 1 else 'dagar'} sedan mötet"
    return f"{days} {'day' if days == 1 else 'days'} since the meeting"

FILED = Localized(
    sv="Protokollet för {group} {day} är sparat: [{name}]({url})",
    en="The minutes of {group} on {day} are filed: [{name}]({url})",
)
FILED_AS_VERSION = Localized(
    sv="Det ersatte det arkiverade protokollet som version {version}; SharePoint sparar de "
    "tidigare versionerna.",
    en="It replaced the filed minutes as version {version}; SharePoint keeps the earlier "
    "versions.",
)
ABOUT_MINUTES = Localized(
    sv="Protokollet för {group} {day}:", en="The minutes of {group} on {day}:"
)
RECEIVED = Localized(
    sv="Mottaget, jag arkiverar {name} i {group_of} mapp i SharePoint som protokoll för "
    "mötet {day}. Jag skriver här när det är klart.",
    en="Received, I'm filing {name} in {group_of} folder in SharePoint as the minutes of "
    "the meeting on {day}. I'll write here when it is done.",
)
RECEIVED_AS_VERSION = Localized(
    sv="Mottaget, jag arkiverar {name} som en ny version av protokollet för {group} {day}. "
    "Jag skriver här när det är klart.",
    en="Received, I'm filing {name} as a new version of the minutes of {group} on {day}. "
    "I'll write here when it is done.",
)
FILING_ELSEWHERE = Localized(
    sv="Mottaget: {name} väntar på att arkiveras, och boten som körs arkiverar den just nu; "
    "`minutes status` visar när den är klar.",
    en="Received: {name} is waiting to be filed, and the running bot is filing it now; "
    "`minutes status` shows when it is done.",
)
REPLACES_WAITING = Localized(
    sv="Filen ersätter {names}, som inte hann arkiveras.",
    en="It replaces {names}, which had not been filed yet.",
)
REPLACE_TITLE = Localized(
    sv="Ersätta det arkiverade protokollet? SharePoint sparar den gamla versionen",
    en="Replace the filed minutes? SharePoint keeps the old version",
)
ALREADY_FILED = Localized(
    sv="Protokollet för {group} {day} är redan arkiverat: [{name}]({url})",
    en="The minutes of {group} on {day} are already filed: [{name}]({url})",
)
REPLACE_WITH = Localized(
    sv="Vill du ersätta det med {name}?", en="Do you want to replace them with {name}?"
)
REPLACE_BUTTON = Localized(sv="Ersätt", en="Replace")
KEEP_BUTTON = Localized(sv="Behåll det arkiverade", en="Keep the filed minutes")
REPLACE_KEPT = Localized(
    sv="Okej, det arkiverade protokollet får vara kvar; {name} sparas inte.",
    en="All right, the filed minutes stay as they are; {name} is not filed.",
)
REPLACE_UNKNOWN = Localized(
    sv="Jag har inte kvar den filen: den är redan hanterad, ersatt av en senare fil eller "
    "skickades för mer än ett dygn sedan. Skicka den igen om den ska arkiveras.",
    en="I no longer have that file: it was handled already, replaced by a later file or "
    "sent more than a day ago. Send it again if it should be filed.",
)
REPLACE_NOT_SENDER = Localized(
    sv="Bara den som skickade filen kan välja om den ska ersätta protokollet.",
    en="Only the person who sent the file can choose whether it replaces the minutes.",
)
CLI_REPLACE_HINT = Localized(
    sv="Kör igen med --replace för att spara filen som en ny version (SharePoint sparar den "
    "gamla versionen).",
    en="Run again with --replace to file it as a new version (SharePoint keeps the old "
    "version).",
)
FILED_RENAMED = Localized(
    sv="Det fanns redan en fil med samma namn; den fick vara kvar och protokollet sparades "
    "som {name}.",
    en="A file of the same name was already there; it was kept and the minutes were filed "
    "as {name}.",
)

TOO_LARGE = Localized(
    sv="Filen är för stor ({size} MB). Största tillåtna storlek är {limit} MB.",
    en="The file is too large ({size} MB). The largest allowed size is {limit} MB.",
)
WRONG_TYPE = Localized(
    sv="Filer av typen .{ext} tas inte emot som protokoll. Tillåtna typer: {allowed}.",
    en="Files of type .{ext} are not accepted as minutes. Allowed types: {allowed}.",
)
NO_TYPE = Localized(
    sv="Filen saknar filändelse. Tillåtna typer: {allowed}.",
    en="The file has no extension. Allowed types: {allowed}.",
)
EMPTY = Localized(sv="Filen är tom.", en="The file is empty.")
UNREADABLE = Localized(
    sv="Filen går inte att läsa som .{ext}; den verkar vara skadad eller av en annan typ.",
    en="The file cannot be read as .{ext}; it seems damaged or of another type.",
)
BAD_NAME_PATH = Localized(
    sv="Filnamnet {name} innehåller en sökväg. Skicka filen med ett vanligt filnamn.",
    en="The file name {name} contains a path. Send the file with a plain file name.",
)
BAD_NAME_CHARS = Localized(
    sv="Filnamnet {name} innehåller tecken som SharePoint inte tillåter ({chars}). Byt namn "
    "på filen och skicka den igen.",
    en="The file name {name} contains characters SharePoint does not allow ({chars}). "
    "Rename the file and send it again.",
)
BAD_NAME_RESERVED = Localized(
    sv="Filnamnet {name} är reserverat i SharePoint. Byt namn på filen och skicka den igen.",
    en="The file name {name} is reserved in SharePoint. Rename the file and send it again.",
)
# Each refusal's sentence, filled with the values `RejectedFile` carries.
REFUSALS: dict[Refusal, Localized[str]] = {
    Refusal.NO_TYPE: NO_TYPE,
    Refusal.WRONG_TYPE: WRONG_TYPE,
    Refusal.TOO_LARGE: TOO_LARGE,
    Refusal.EMPTY: EMPTY,
    Refusal.UNREADABLE: UNREADABLE,
    Refusal.BAD_NAME_PATH: BAD_NAME_PATH,
    Refusal.BAD_NAME_CHARS: BAD_NAME_CHARS,
    Refusal.BAD_NAME_RESERVED: BAD_NAME_RESERVED,
}


def refusal(rejected: RejectedFile, language: Language) -> str:
    """Why a file is not filed, in `language`; its values (a file's name or type)
    markdown-escaped."""
    values = {k: escape(v) if isinstance(v, str) else v for k, v in rejected.values.items()}
    return REFUSALS[rejected.reason].get(language).format(**values)


DOWNLOAD_FAILED = Localized(
    sv="Jag kunde inte hämta filen från Teams. Försök skicka den igen.",
    en="I could not fetch the file from Teams. Please send it again.",
)
SHARED_UNREADABLE = Localized(
    sv="Jag kunde inte läsa filen från SharePoint (boten kanske saknar behörighet till den). "
    "Skicka den till mig i en personlig chatt i stället.",
    en="I could not read the file from SharePoint (the bot may lack permission to it). "
    "Send it to me in a personal chat instead.",
)

NOT_CONFIGURED = Localized(
    sv="Protokoll kan inte sparas än: boten saknar inloggning till Microsoft Graph. Be en "
    "administratör att ställa in den.",
    en="Minutes cannot be filed yet: the bot has no Microsoft Graph sign-in. Ask an "
    "administrator to set it up.",
)
NO_CHANNEL = Localized(
    sv="Jag vet inte vilken kanal {group} har, så jag vet inte var protokollet ska sparas. "
    "Be en administratör koppla kanalen till gruppen.",
    en="I do not know which channel {group} has, so I do not know where to file the "
    "minutes. Ask an administrator to map the channel to the group.",
)
WILL_RETRY = Localized(
    sv="SharePoint svarar inte just nu. Jag har kvar filen och försöker igen; du får besked "
    "när den är sparad.",
    en="SharePoint is not answering right now. I have kept the file and will try again; you "
    "will hear when it is filed.",
)
FORBIDDEN = Localized(
    sv="Boten saknar behörighet att spara i kanalens filer. Jag har kvar filen och har sagt "
    "till administratörerna.",
    en="The bot lacks permission to save in the channel's files. I have kept the file and "
    "told the administrators.",
)
ADMIN_FORBIDDEN = Localized(
    sv="Boten får inte spara protokoll i SharePoint (HTTP 403). Ge appen behörigheten "
    "{permissions} i Entra ID.",
    en="The bot may not save minutes in SharePoint (HTTP 403). Grant the app "
    "{permissions} in Entra ID.",
)
CREDENTIALS = Localized(
    sv="Botens inloggning till Microsoft Graph godtas inte (hemligheten eller certifikatet "
    "kan ha gått ut). Jag har kvar filen; be en administratör förnya inloggningen.",
    en="The bot's Microsoft Graph sign-in is refused (the secret or certificate may have "
    "expired). I have kept the file; ask an administrator to renew it.",
)
FAILED = Localized(
    sv="Protokollet kunde inte sparas: {error}",
    en="The minutes could not be filed: {error}",
)

PICK_MEETING = Localized(
    sv="Vilket möte hör {name} till?", en="Which meeting does {name} belong to?"
)
NO_MEETING = Localized(
    sv="{group} har inget avslutat möte att spara ett protokoll för.",
    en="{group} has no past meeting to file minutes for.",
)
WHICH_GROUP = Localized(
    sv="Vilken grupp gäller protokollet? Skicka filen i gruppens kanal med @samverkansboten.",
    en="Which group are the minutes for? Send the file in the group's channel with "
    "@samverkansboten.",
)

STATUS_TITLE = Localized(sv="Protokoll för {scope}", en="Minutes of {scope}")
STATUS_FILED = Localized(sv="sparat", en="filed")
STATUS_MISSING = Localized(sv="saknas", en="missing")
STATUS_UPLOADING = Localized(sv="sparas…", en="being filed…")
STATUS_NONE = Localized(
    sv="Inga avslutade möten de senaste {days} dagarna.",
    en="No meetings ended in the last {days} days.",
)
ROLLUP_TITLE = Localized(sv="Protokoll i {network}", en="Minutes in {network}")
ROLLUP_LINE = Localized(
    sv="{group}: {filed} av {total} sparade{missing}",
    en="{group}: {filed} of {total} filed{missing}",
)
ROLLUP_MISSING = Localized(sv=" – saknas: {days}", en=" – missing: {days}")
HOW_TO_UPLOAD = Localized(
    sv="Skicka protokollet som en fil till mig här i den personliga chatten (eller i gruppens "
    "kanal med @samverkansboten), så sparar jag det i kanalens filer under Protokoll.",
    en="Send me the minutes as a file here in the personal chat (or in the group's channel "
    "with @samverkansboten) and I will file them in the channel's files under Protokoll.",
)
CHANNEL_ONLY = Localized(
    sv="Gruppen har ingen sekreterare med Teams-konto (Entra-id) i registret, så jag frågar "
    "efter protokollen och påminner bara i kanalen, inte i personlig chatt.",
    en="The group has no secretary with a Teams account (Entra id) in the registry, so I ask "
    "for the minutes and remind only in the channel, not in personal chat.",
)
STATUS_LINE = Localized(sv="{day}: {state}", en="{day}: {state}")
PICK_UNKNOWN = Localized(
    sv="Jag har inte kvar den filen: antingen är den redan sparad, eller så skickades den för "
    "mer än ett dygn sedan. Skicka filen till mig igen om den inte är sparad.",
    en="I no longer have that file: either it has been filed already, or it was sent more "
    "than a day ago. Send me the file again if it is not filed.",
)
PICK_NOT_SENDER = Localized(
    sv="Bara den som skickade filen kan välja vilket möte den hör till.",
    en="Only the person who sent the file can choose which meeting it belongs to.",
)
PICK_ELSEWHERE = Localized(
    sv="Välj mötet på kortet i chatten där du skickade filen.",
    en="Choose the meeting on the card in the chat where you sent the file.",
)
