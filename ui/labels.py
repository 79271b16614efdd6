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
    "Camera di commercio di Torino, Torino Social Impact. Le valutazioni 👍/👎 sono conservate "
    "senza indirizzo IP né altri dati di chi le invia."
)

TAB_CHAT = "Conversazione"
TAB_DOCUMENTS = "Documenti"
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
MEASURES_NONE = "Nessuna misura del Piano riguarda in modo esplicito questo profilo."

CHAT_LABEL = "Conversazione"
CHAT_PLACEHOLDER = (
    "Scrivi una domanda qui sotto o scegli uno degli esempi. Le risposte riportano frasi "
    "dei documenti tra «virgolette», con il numero [n] della fonte."
)
QUESTION_LABEL = "La tua domanda"
QUESTION_PLACEHOLDER = "Scrivi qui la tua domanda…"
SEND = "Invia"
NEW_CONVERSATION = "Nuova conversazione"
EXAMPLES_TITLE = "Domande di esempio"
PENDING = "Sto cercando nei documenti…"

SOURCES_TITLE = "Fonti"
SOURCES_EMPTY = "Le fonti della risposta compariranno qui, con il passaggio citato evidenziato."
SOURCES_OF = "Fonti della risposta {n} di {total}"
SOURCES_ABSTAINED = (
    "I documenti non rispondono a questa domanda: questi sono i passaggi più vicini trovati."
)
SOURCES_NONE = "Nessun passaggio citato per questa risposta."
SOURCES_SELECT_HINT = "Seleziona una risposta precedente nella conversazione per vederne le fonti."
OPEN_SOURCE = "Apri la fonte originale"
NEW_TAB = "(si apre in una nuova scheda)"
SECTION = "Sezione"
PAGE = "p."
PASSAGE = "Passaggio citato"

RATE_TITLE = "Questa risposta ti è stata utile?"
RATE_TITLE_N = "La risposta {n} ti è stata utile?"
RATE_UP = "👍 Sì, utile"
RATE_DOWN = "👎 No"
REASON_LABEL = "Motivo (facoltativo)"
REASON_PLACEHOLDER = "Cosa mancava o non andava? Non scrivere dati personali."
SEND_REASON = "Invia il motivo"
RATED_UP = "Grazie! Hai indicato che la risposta {n} è utile."
RATED_DOWN = "Grazie! Hai indicato che la risposta {n} non è utile."
RATED_HINT = "Puoi aggiungere o cambiare il motivo e premere «Invia il motivo»."
REASON_SAVED = "Motivo registrato per la risposta {n}. Grazie!"
RATE_FIRST = "Scegli prima 👍 o 👎 per questa risposta."
NOTHING_TO_RATE = "Non c'è ancora una risposta da valutare."

UNAVAILABLE = (
    "Il servizio non è pronto: l'indice dei documenti non è disponibile. "
    "Chi gestisce il servizio deve costruirlo (python -m indexer build)."
)
TOO_LONG = "La domanda è troppo lunga (massimo {n} caratteri)."

DOCUMENTS_TITLE = "Documenti indicizzati"
DOCUMENTS_INTRO = (
    "Le risposte citano soltanto questi documenti. Per ciascuno: tipo di fonte, data, "
    "numero di passaggi indicizzati e collegamento all'originale quando disponibile."
)
DOCUMENTS_BUILT = "Indice costruito il {when}, {docs} documenti, {chunks} passaggi."
DOCUMENTS_COLUMNS = ("Titolo", "Tipo", "Editore", "Data", "Passaggi", "Fonte")
DOCUMENTS_NO_LINK = "—"
UNEXPECTED = "Si è verificato un errore imprevisto nel rispondere. Riprova tra poco."
