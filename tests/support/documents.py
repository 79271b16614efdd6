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
