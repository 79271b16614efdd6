"""Every user-facing text of the web interface, in Italian, in one place."""

from __future__ import annotations

TITLE = "Chiedi al Piano"
SUBTITLE = (
    "Domande e risposte sul Piano metropolitano per l'economia sociale di Torino 2030: "
    "ogni risposta cita i passaggi dei documenti da cui è tratta."
)
NOTICE = (
    "<strong>Avviso.</strong> Le risposte sono prodotte automaticamente citando i documenti "
    "elencati nella scheda «Documenti»: possono essere incomplete e non sono consulenza legale. "
    "Le informazioni ufficiali sono quelle degli enti promotori: Città metropolitana di Torino, "
    "Camera di commercio di Torino, Torino Social Impact. La conversazione resta in questo "
    "browser; le valutazioni 👍/👎 sono conservate senza indirizzo IP né altri dati di chi le invia."
)
THEME_DARK = "Tema scuro"
THEME_LIGHT = "Tema chiaro"

TAB_CHAT = "Conversazione"
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
GLOSSARY_NONE = "Nessuna voce del glossario contiene queste parole."
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
MEASURES_SOURCE = "Fonte"
MEASURES_RECOGNISED = "Ti abbiamo riconosciuto come: {roles}."
MEASURES_NONE = "Nessuna misura del Piano riguarda in modo esplicito questo profilo."

# The chat page
CHAT_HEADING = "Conversazione"
CHAT_EMPTY = (
    "Scrivi una domanda qui sotto o scegli uno degli esempi. Ogni risposta mostra prima le "
    "parole che rispondono, poi le frasi dei documenti tra «virgolette» con il numero [n] "
    "della fonte: tocca il numero per vedere il passaggio."
)
QUESTION_LABEL = "La tua domanda"
QUESTION_PLACEHOLDER = "Scrivi qui la tua domanda…"
SEND = "Invia"
COUNTER = "{n} di {max} caratteri · Invio per inviare, Maiusc+Invio per andare a capo"
COUNTER_OVER = "Troppo lunga: togli {over} caratteri (massimo {max})."
NEW_CONVERSATION = "Nuova conversazione"
DOWNLOAD = "Scarica la conversazione"
EXAMPLES_TITLE = "Domande di esempio"
PENDING = "Sto cercando nei documenti…"
QUEUED_ONE = "Sto rispondendo alla domanda precedente: la tua è in coda e partirà subito dopo."
QUEUED_MANY = "Sto rispondendo alla domanda precedente: {n} domande in coda, partiranno in ordine."
QUEUE_TITLE = "In coda"
CLEARED = "Conversazione cancellata."
DOWNLOAD_TITLE = "Chiedi al Piano — conversazione del {date}"
QUESTION_N = "Domanda {n}:"
ANSWER_N = "Risposta {n}"
QUESTION_LABEL_MD = "Domanda"
DIRECT = "In breve:"
MARKER_LABEL = "Fonte {n}"
COPY = "Copia"
COPIED = "Copiata negli appunti, con le fonti."
COPY_FAILED = "Non è stato possibile copiare: seleziona il testo e copialo a mano."

SOURCES_TITLE = "Fonti"
SOURCES_SUMMARY = "Fonti ({n})"
SOURCES_CLOSEST = "Passaggi più vicini ({n})"
SOURCES_NONE = "Nessun passaggio citato per questa risposta."
OPEN_SOURCE = "Apri il documento originale"
NOT_ONLINE = "Documento non disponibile online"
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
RATING_FAILED = "Non è stato possibile registrare la valutazione. Riprova più tardi."

UNAVAILABLE = (
    "Il servizio non è pronto: l'indice dei documenti non è disponibile. "
    "Chi gestisce il servizio deve costruirlo (python -m indexer build)."
)
EMPTY = "La domanda è vuota."
TOO_LONG = "La domanda è troppo lunga: {over} caratteri oltre il massimo di {n}."
CONTROL = "Il testo contiene caratteri di controllo non ammessi."
BAD_REQUEST = "La richiesta della pagina non è valida: ricarica la pagina e riprova."
UNEXPECTED = "Si è verificato un errore imprevisto nel rispondere. Riprova tra poco."
NETWORK = "Il servizio non risponde. Controlla la connessione e riprova."

DOCUMENTS_TITLE = "Documenti indicizzati"
DOCUMENTS_INTRO = (
    "Le risposte citano soltanto questi documenti. Per ciascuno: tipo di fonte, data, "
    "numero di passaggi indicizzati e collegamento all'originale quando disponibile."
)
DOCUMENTS_BUILT = "Indice costruito il {when}, {docs} documenti, {chunks} passaggi."
DOCUMENTS_COLUMNS = ("Titolo", "Tipo", "Editore", "Data", "Passaggi", "Fonte")
