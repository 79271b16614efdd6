"""Small Italian documents that several tests index."""

SPORTELLO = """---
doc_id: "sportello-economia-sociale"
title: "Lo sportello per l'economia sociale"
source_type: "istituzionale"
publisher: "Città metropolitana di Torino"
date: "2025"
---

# Lo sportello per l'economia sociale

## Orari

Lo sportello riceve il martedì e il giovedì dalle nove alle tredici, su appuntamento.

## Servizi

Offre consulenza gratuita a chi vuole fondare una cooperativa sociale o un'impresa sociale.
"""

# Published in a second build by the tests that watch replicas switch to it.
FONDO = """---
doc_id: "fondo-cooperative-comunita"
title: "Il fondo rotativo per le cooperative di comunità"
source_type: "piano"
date: "2025"
---

# Il fondo rotativo per le cooperative di comunità

Il fondo rotativo presta fino a trentamila euro alle cooperative di comunità delle valli alpine, da restituire in sette anni.
"""
FONDO_QUESTION = "Quanto presta il fondo rotativo alle cooperative di comunità?"

# The plan's six priority areas, as the shipped summary heads them.
AREAS = [
    "Governance e partnership",
    "Social procurement",
    "Finanza a impatto sociale",
    "Formazione continua, sviluppo di competenze, giovani",
    "Connessioni fisiche, digitali e innovazione tecnologica",
    "Inclusione sociale e lavorativa",
]
