"""On SQLite the folding of searched columns runs in Python (`wf_fold`), because SQLite's parser
refuses the 34 nested REPLACE calls that PostgreSQL runs ("parser stack overflow" under make run)."""

import sqlite3

from core.search import FOLDINGS, fold, fold_letters


def test_sqlite_finds_meissner_and_giessen_through_wf_fold():
    connection = sqlite3.connect(":memory:")
    connection.create_function("wf_fold", 2, fold_letters, deterministic=True)
    connection.execute("create table body (name text)")
    connection.executemany("insert into body values (?)", [("Werra-Meißner-Kreis",), ("Gießen (Stadt)",), ("Kassel",)])

    def found(query):
        return [row[0] for row in connection.execute(
            "select name from body where " + " or ".join(
                f"instr(wf_fold(name, '{spelling}'), ?) > 0" for spelling in FOLDINGS),
            [fold(query, spelling) for spelling in FOLDINGS])]

    assert found("MEISSNER") == ["Werra-Meißner-Kreis"]
    assert found("Giessen") == ["Gießen (Stadt)"]
    assert found("Münch") == []
    assert fold_letters(None, "ae") is None
