"""The list of organisations read as data: every numbered line, typed by kind from its name
with the corpus's kinds (`corpus/organisation_kinds.toml`)."""

from __future__ import annotations

import pytest

from indexer.knowledge.files import knowledge_path
from indexer.knowledge.kinds import OrganisationKinds, load_kinds
from indexer.organisations import extract_organisations


@pytest.fixture(scope="module")
def kinds(corpus_settings):
    return load_kinds(knowledge_path(corpus_settings.corpus_dir, "organisation_kinds"))


@pytest.fixture(scope="module")
def catalogue(assistant, kinds):
    return extract_organisations(assistant.index.chunks.values(), kinds)


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
def test_kinds_come_from_the_names(kinds, name, kind):
    assert kind in kinds.of(name)


def test_a_social_enterprise_srl_is_not_a_plain_company(kinds):
    assert kinds.of("Altrimodi Srl Impresa Sociale ETS")[0] == "cooperativa o impresa sociale"
    assert "impresa" not in kinds.of("Altrimodi Srl Impresa Sociale ETS")


def test_the_note_on_private_citizens_is_of_its_kind(catalogue):
    assert [n.line for n in catalogue.of_kind("privati cittadini")] == [
        "135-146: alla lista degli enti si aggiungono dodici privati cittadini"
    ]


def test_without_kinds_a_list_is_still_read_untyped(assistant):
    untyped = extract_organisations(assistant.index.chunks.values(), OrganisationKinds())
    assert len(untyped.organisations) == 134
    assert {k for o in untyped.organisations for k in o.kinds} == {"altro"}
    assert untyped.notes[0].kinds == []
