"""Every user-facing text of the web interface, in Italian, in one place."""

from __future__ import annotations

TITLE = "Chiedi al Piano"
SUBTITLE = (
    "Domande e risposte sul Piano metropolitano per l'economia sociale di Torino 2030: "
    "ogni risposta cita i passaggi dei documenti da cui è tratta."
)
# The notice: one line, and the whole of it behind "Dettagli".
NOTICE_LINE = "Risposte automatiche, non consulenza legale."
NOTICE_LINE_SHORT = "non è consulenza legale."  # what fits a phone's line
NOTICE_LABEL = "Avviso"
NOTICE_MORE = "Dettagli"
NOTICE = (
    "Le risposte sono prodotte automaticamente citando i documenti elencati nella scheda "
    "«Documenti»: possono essere incomplete e non sono consulenza legale. Le informazioni "
    "ufficiali sono quelle degli enti promotori: Città metropolitana di Torino, Camera di "
    "commercio di Torino, Torino Social Impact. La conversazione resta in questo browser; le "
    "valutazioni 👍/👎 sono conservate senza indirizzo IP né altri dati di chi le invia."
)
THEME_DARK = "Tema scuro"
THEME_LIGHT = "Tema chiaro"

TAB_CHAT = "Chiedi"
TAB_DOCUMENTS = "Documenti"
TAB_GLOSSARY = "Glossario"
GLOSSARY_INTRO = (
    "Le parole del Piano e quelle di tutti i giorni: per ogni termine, come lo si chiama di "
    "solito, una spiegazione semplice e il passaggio dei documenti da cui viene. Le domande fatte "
    "con le parole di tutti i giorni cercano anche il termine del Piano."
)
GLOSSARY_SEARCH = "Cerca nel glossario"
GLOSSARY_PLACEHOLDER = "Es. prestiti, energia, appalti"
GLOSSARY_ALSO = "Si dice anche:"
GLOSSARY_SOURCE = "Fonte:"
GLOSSARY_NONE = "Nessuna voce del glossario somiglia a queste parole."
GLOSSARY_FOUND = "{n} voci, dalla più vicina."
GLOSSARY_ALL = "{n} voci, in ordine alfabetico."
TAB_MEASURES = "Misure"
MEASURES_INTRO = (
    "Scegli il profilo che ti descrive, o descriviti con parole tue: ecco gli obiettivi del Piano "
    "che ti riguardano, area per area, con le integrazioni venute dalla consultazione e i passaggi "
    "da cui sono tratti."
)
MEASURES_PROFILE = "Il tuo profilo"
MEASURES_DESCRIPTION = "Descriviti (facoltativo)"
MEASURES_PLACEHOLDER = "Es. Ho 26 anni e vorrei fondare una cooperativa sociale"
MEASURES_FIND = "Trova le misure"
MEASURES_ASK_PROFILE = "Scegli un profilo o scrivi una breve descrizione."
MEASURES_INTEGRATION = "Dopo la consultazione:"
MEASURES_RECOGNISED = "Ti abbiamo riconosciuto come: {roles}."
MEASURES_NONE = "Nessuna misura del Piano riguarda in modo esplicito questo profilo."

# The chat page
CHAT_HEADING = "Conversazione"
CHAT_EMPTY = (
    "Ogni risposta cita le frasi dei documenti tra «virgolette», con il numero [n] della "
    "fonte: toccalo per vedere il passaggio."
)
QUESTION_LABEL = "La tua domanda"
QUESTION_PLACEHOLDER = "Scrivi qui la tua domanda…"
SEND = "Invia"
COUNTER = "{n} di {max} caratteri · Invio per inviare, Maiusc+Invio per andare a capo"
COUNTER_OVER = "Troppo lunga: togli {over} caratteri (massimo {max})."
NEW_CONVERSATION = "Nuova conversazione"
DOWNLOAD = "Scarica la conversazione"
UNDO = "Annulla"
RESTORED = "Conversazione ripristinata."
EXAMPLES_TITLE = "Prova a chiedere"
EXAMPLES_MORE = "Altri esempi ({n})"
PENDING = "Sto cercando nei documenti…"
QUEUED_ONE = "Sto rispondendo alla domanda precedente: la tua è in coda e partirà subito dopo."
QUEUED_MANY = "Sto rispondendo alla domanda precedente: {n} domande in coda, partiranno in ordine."
QUEUE_TITLE = "In coda"
CLEARED = "Conversazione cancellata."
DOWNLOAD_TITLE = "Chiedi al Piano — conversazione"
DOWNLOAD_WHEN = "Scaricata il {date} alle {time}."
DOWNLOAD_BUILD = "Indice dei documenti: {builds}."
DOWNLOAD_NOTICE = "Avviso"
QUESTION_N = "Domanda {n}:"
ANSWER_N = "Risposta {n}"
QUESTION_LABEL_MD = "Domanda"
DIRECT = "In breve:"
MARKER_LABEL = "Fonte {n}"
PREVIEW_HINT = "Tocca per vedere il passaggio"
COPY = "Copia"
COPIED = "Copiata negli appunti, con le fonti."
COPY_FAILED = "Non è stato possibile copiare: seleziona il testo e copialo a mano."

SOURCES_TITLE = "Fonti"
SOURCES_SUMMARY = "Fonti ({n})"
SOURCES_CLOSEST = "Passaggi più vicini ({n})"
SOURCES_NONE = "Nessun passaggio citato per questa risposta."
OPEN_PAGE = "Leggi nel documento"
OPEN_SOURCE = "Originale"
NOT_ONLINE = "Originale non disponibile online"
MD_PAGE = "Nel documento:"
NEW_TAB = "(si apre in una nuova scheda)"
BACK_TO_ANSWER = "↑ Torna alla risposta"
SECTION = "Sezione"
PAGE = "p."
PASSAGE = "Passaggio citato"

RATE_TITLE = "Questa risposta ti è stata utile?"
RATE_UP = "👍 Sì"
RATE_DOWN = "👎 No"
REASON_LABEL = "Motivo (facoltativo)"
REASON_PLACEHOLDER = "Cosa mancava o non andava? Non scrivere dati personali."
SEND_REASON = "Invia il motivo"
RATED_UP = "Grazie! Hai indicato che questa risposta è utile."
RATED_DOWN = "Grazie! Hai indicato che questa risposta non è utile."
RATED_HINT = "Puoi aggiungere un motivo qui sotto."
REASON_SAVED = "Motivo registrato per questa risposta. Grazie!"
RATE_FIRST = "Scegli prima 👍 o 👎 per questa risposta."
RATED_ANEW = (
    "La valutazione di prima non risulta più nell'archivio (è stato azzerato): questa è "
    "stata registrata come nuova."
)

# The three outcomes of a question, shown apart: only an answer looks like one.
OUTCOME_UNSURE = "Forse non risponde alla domanda"
OUTCOME_UNSURE_HINT = (
    "Non ho trovato un passaggio che risponda di sicuro: questi sono i più vicini. "
    "Leggili prima di fidarti."
)
OUTCOME_NOT_COVERED = "I documenti non ne parlano"
NEXT_TITLE = "Puoi anche chiedere"

UNAVAILABLE = (
    "Il servizio non è pronto: l'indice dei documenti non è disponibile. "
    "Chi gestisce il servizio deve costruirlo (python -m indexer build)."
)
NETWORK = "Il servizio non risponde. Controlla la connessione e riprova."

DOCUMENTS_TITLE = "Documenti indicizzati"
DOCUMENTS_INTRO = (
    "Le risposte citano soltanto questi documenti. Per ciascuno: tipo di fonte, data, "
    "numero di passaggi indicizzati, la copia da leggere qui e l'originale quando disponibile."
)
DOCUMENTS_BUILT = "Indice costruito il {when}, {docs} documenti, {chunks} passaggi."
DOCUMENTS_COLUMNS = ("Titolo", "Tipo", "Editore", "Data", "Passaggi", "Originale")

# A document's page (/documenti/{doc_id})
PAGE_TITLE = "{title} — copia consultabile"
PAGE_BACK = "← Torna a Chiedi al Piano"
PAGE_COPY = (
    "Questa è la copia del testo che Chiedi al Piano ha indicizzato e cita, passaggio per "
    "passaggio: non è il documento ufficiale."
)
PAGE_ORIGINAL = "L'originale è pubblicato qui:"
PAGE_NO_ORIGINAL = "L'originale non è disponibile online; lo pubblica: {publisher}."
PAGE_CITED = "Passaggio citato"
PAGE_PAGE = "Pagina {n}"
PAGE_PASSAGES = "{n} passaggi"
PAGE_NOT_FOUND = "Documento non trovato: forse l'indice è stato aggiornato."
