"""Who a free description says its writer is ("Lavoro in un comune", "Sono un giornalista") and
what they are after ("appalti con clausole sociali"), read with patterns on folded text.

A role names the measure targets it stands for; a role with none (a journalist, a retired
person) is recognised so that the answer can say plainly that no measure is aimed at them,
instead of guessing the nearest profile. Checked on `evals/roles_gold.json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.italian import fold


@dataclass(frozen=True)
class Role:
    id: str
    label: str  # Italian, as in "Ti abbiamo riconosciuto come: …"
    pattern: str  # on folded text
    targets: tuple[str, ...]  # measure targets; none: no measure is aimed at this role


ROLES = [
    Role(
        "ente_pubblico",
        "personale di un comune o di un ente pubblico",
        r"\bcomun[ei]\b|\bente pubblic|\benti pubblic|pubblica amministrazione|\bp\.?a\.?\b"
        r"|funzionari|dipendente pubblic|assessor|\bsindac[oa]\b|\bregione\b|\bprovincia\b"
        r"|citta metropolitana|\basl\b|ufficio (acquisti|gare|appalti)|\brup\b|consorzio socio",
        ("pubblica_amministrazione",),
    ),
    Role(
        "cooperativa",
        "cooperativa o impresa sociale",
        r"cooperativ|impres\w* social|societa benefit",
        ("imprese_sociali",),
    ),
    Role(
        "terzo_settore",
        "ente del Terzo settore",
        r"terzo settore|\bets\b|\baps\b|\bodv\b|onlus|associazion|volontar",
        ("terzo_settore",),
    ),
    Role(
        "finanziatore",
        "banca o finanziatore",
        r"\bbanc[ah]|bancari|investitor|finanziator|fondazione bancaria|\bfondo di|microcredito",
        ("finanza",),
    ),
    Role(
        "impresa_profit",
        "impresa profit",
        r"\bazienda\b|impresa (privata|artigian|profit|familiare)|piccola impresa|\bpmi\b"
        r"|\bsrl\b|\bspa\b|imprenditor|titolare|commerciant|artigian|negozio|startup",
        ("imprese_profit",),
    ),
    Role(
        "formazione",
        "scuola, università o formazione",
        r"scuol|insegn|docent|professor|universit|ricercat|ente di formazione|formator"
        r"|istituto (tecnico|professionale)",
        ("formazione",),
    ),
    Role(
        "lavoro",
        "persona in cerca di lavoro o con disabilità",
        r"cerco (un )?lavoro|in cerca di (un )?(lavoro|occupazione)|disoccupat|senza lavoro"
        r"|inoccupat|licenziat|disabil|invalid|fragil|cassa integrazione|\bneet\b",
        ("lavoro_inclusione",),
    ),
    Role(
        "territori",
        "chi vive o lavora in territori rurali e montani",
        r"montagn|montan|rural|aree interne|area interna|\bval(le)? [a-z]|paese di|\bborgo"
        r"|collin|agricol|alpeggi",
        ("territori_rurali",),
    ),
    Role(
        "giovane",
        "giovane",
        r"\bgiovan|under 35|studente|studentessa|neolaureat|ragazz|\bsono al primo",
        ("giovani",),
    ),
    Role(
        "giornalista",
        "giornalista",
        r"giornalist|reporter|cronista|redattor|\bredazione\b|\btestata\b|blogger|pubblicist",
        (),
    ),
    Role("pensionato", "persona in pensione", r"pensionat|in pensione", ()),
    Role(
        "cittadino",
        "cittadino o cittadina",
        r"semplice cittadin|privato cittadin|sono (un|una) cittadin|curios",
        (),
    ),
]
ROLE_BY_ID = {r.id: r for r in ROLES}
# "Lavoro in un comune" is where someone works, not a search for work: the job-seeker words of
# the measure targets ("lavor…") must not read it as one.
WORKPLACE = re.compile(r"\blavor\w* (in|presso|per|all|al|nel|nella|con) ")
AGE = re.compile(r"\b(\d{2})\s*anni\b")
# What a description is after, when it says so: a topic points to the measures that speak of it.
TOPICS: dict[str, str] = {
    "procurement": r"appalt|clausol\w* social|\bgar[ae]\b|acquist|procurement|co-?progett"
    r"|co-?programm|affidament|bando|bandi",
    "finanza": r"credit|finanz|prestit|mutu|investiment",
    "formazione": r"formazion|competenz|cors[oi]\b|mentoring",
    "digitale": r"digital|tecnolog|\bdati\b|informatic",
    "inclusione": r"inclusion|inserimento lavorativ|welfare",
}
TOPIC_WORDS: dict[str, str] = {  # how a measure shows the topic (folded text of its words)
    "procurement": r"procurement|co-programmazione|co-progettazione|appalt",
    "finanza": r"credit|finanz",
    "formazione": r"formativ|formazione|competenz|mentoring",
    "digitale": r"digital|tecnolog|\bdati\b",
    "inclusione": r"inclusione|welfare|lavor",
}


@dataclass(frozen=True)
class Reading:
    """What a description says: the roles recognised and the topics asked about."""

    roles: tuple[Role, ...]
    topics: tuple[str, ...]

    @property
    def targets(self) -> list[str]:
        return list(dict.fromkeys(t for r in self.roles for t in r.targets))

    @property
    def unserved(self) -> bool:
        """Roles were recognised, and no measure is aimed at any of them."""
        return bool(self.roles) and not self.targets


def read_description(description: str) -> Reading:
    folded = fold(description)
    roles = [r for r in ROLES if re.search(r.pattern, folded)]
    age = AGE.search(folded)
    if age and int(age.group(1)) <= 35 and ROLE_BY_ID["giovane"] not in roles:
        roles.append(ROLE_BY_ID["giovane"])
    topics = [name for name, pattern in TOPICS.items() if re.search(pattern, folded)]
    return Reading(tuple(roles), tuple(topics))


def without_workplace(description: str) -> str:
    """The description without "lavoro in/presso …" (a workplace, not a job search)."""
    return WORKPLACE.sub(" ", fold(description))


def speaks_of(topic: str, text: str) -> bool:
    return bool(re.search(TOPIC_WORDS[topic], fold(text)))
