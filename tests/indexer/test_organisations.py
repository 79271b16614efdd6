"""The list of organisations read as data: every numbered line, typed by kind from its name."""

from __future__ import annotations

import pytest

from indexer.organisations import extract_organisations, kinds_of


@pytest.fixture(scope="module")
def catalogue(assistant):
    return extract_organisations(assistant.index.chunks.values())


def test_every_listed_body_is_catalogued_in_order(catalogue):
    numbers = [o.number for o in catalogue.organisations]
    assert numbers == list(range(1, 135))
    assert [n.line for n in catalogue.notes] == [
        "135-146: alla lista degli enti si aggiungono dodici privati cittadini"
    ]
    for org in catalogue.organisations:
        assert org.line.startswith(f"{org.number}. ") and org.name in org.line


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Comune di Chieri", "comune"),
        ("UGL Torino", "sindacato o associazione di categoria"),
        ("Fondazione Compagnia di San Paolo", "fondazione"),
        ("Politecnico di Torino", "università"),
        ('Liceo Classico e Musicale "Cavour" di Torino (TO)', "scuola"),
        ("Progetto Tenda s.c.s.", "cooperativa o impresa sociale"),
        ("ARCI Torino APS", "associazione, APS o ETS"),
        ("Caritas Diocesana di Torino", "ente religioso"),
        ("BPER Banca", "banca o finanza"),
        ("ASL TO 4", "sanità"),
    ],
)
def test_kinds_come_from_the_names(name, kind):
    assert kind in kinds_of(name)


def test_a_social_enterprise_srl_is_not_a_plain_company():
    assert kinds_of("Altrimodi Srl Impresa Sociale ETS")[0] == "cooperativa o impresa sociale"
    assert "impresa" not in kinds_of("Altrimodi Srl Impresa Sociale ETS")
