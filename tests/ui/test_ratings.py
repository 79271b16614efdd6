"""Ratings from the page: one row per answer, second thoughts change that row and no other."""

from __future__ import annotations

import pytest

from feedback.database import FeedbackDatabase
from feedback.store import FeedbackStore
from tests.support.disks import fill, mounted_small_disk
from ui import labels
from ui.ratings import Ratings

RATED = {"question": "Quando?", "answer": "Il 30 giugno 2025 [1]", "citations": ["d:1"]}


def test_second_thoughts_change_the_same_row_and_forged_rows_start_new_ones(store):
    ratings = Ratings(lambda: store)
    first = ratings.rate({**RATED, "rating": "down"})
    again = ratings.rate({**RATED, "rating": "up", "reason": "Chiara", "row": first["row"]})
    assert again["row"] == first["row"]
    [row] = store.all()
    assert (row.rating, row.reason, row.channel, row.citations) == ("up", "Chiara", "ui", ["d:1"])

    forged = {"id": row.id, "token": "0" * 64}
    other = ratings.rate({**RATED, "rating": "down", "reason": "altro", "row": forged})
    assert other["row"]["id"] != row.id
    assert store.all()[0].reason == "Chiara"
    # A restart forgets the key: the old signature names no row any more.
    assert (
        Ratings(lambda: store).rate({**RATED, "rating": "up", "row": first["row"]})["row"]["id"]
        > other["row"]["id"]
    )


def test_bad_ratings_are_refused_in_italian(store):
    ratings = Ratings(lambda: store)
    assert ratings.rate({**RATED})["error"].startswith("Scegli prima")
    assert ratings.rate({**RATED, "rating": "meh"})["error"].startswith("La richiesta")
    assert ratings.rate({**RATED, "rating": "up", "reason": "a\x00"})["error"].startswith(
        "Il testo"
    )
    assert ratings.rate({**RATED, "rating": "up", "reason": "x" * 1001})["error"].startswith(
        "La richiesta"
    )
    assert store.all() == []


def test_a_broken_store_is_said_not_raised(tmp_path):
    def broken():
        raise OSError("disco pieno")

    assert (
        Ratings(broken).rate({**RATED, "rating": "up"})["error"].startswith("Non è stato possibile")
    )


@pytest.fixture
def small_disk(tmp_path):
    yield from mounted_small_disk(tmp_path / "disk")


def test_a_full_disk_is_said_in_italian_and_the_next_rating_after_it_is_stored(small_disk):
    database = FeedbackDatabase(small_disk / "feedback.sqlite")
    store = FeedbackStore(database)
    ratings = Ratings(lambda: store)
    try:
        assert "row" in ratings.rate({**RATED, "rating": "up"})
        filler = fill(small_disk)

        refused = ratings.rate({**RATED, "question": "A disco pieno?", "rating": "down"})

        assert refused == {"error": labels.RATING_FAILED}
        filler.unlink()
        assert "row" in ratings.rate({**RATED, "question": "Dopo?", "rating": "down"})
        assert [r.question for r in store.all()] == ["Quando?", "Dopo?"]
    finally:
        database.close()
