"""Queries whose SQL Django builds once per process.

On the pages a class hits hardest, building a queryset's SQL costs Django far more than
the database takes to run it: the student's assignment lookup, which every student page
and autosave makes, took 2.2 ms to build and compile and 0.07 ms to run on SQLite. A
`Prepared` query is built once, with a stand-in for each value that changes from one
request to the next; the compiled SQL is checked to carry each stand-in as a parameter,
untouched, and from then on the same SQL runs with the request's values. Rows become
model instances (with `select_related` and annotations) through Django's own iterables,
so a prepared query returns exactly what the queryset would.

The builder must take every changing value from its arguments: anything else it reads
(the time, a setting) is frozen into the SQL the first time it runs.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

# Stand-ins: numbers near the top of a 32-bit integer column's range (so that no lookup
# finds them out of range and drops the condition), and text no one types. The text has
# both cases and the characters LIKE escapes, so a lookup that would change a
# value (iexact on SQLite, contains, startswith) is caught when the plan is made.
_INT_STAND_IN = 2_147_000_000
_TEXT_STAND_IN = "\x1fPrepared %_\\ {}\x1f"


def _stand_ins(kinds: dict[str, type]) -> dict:
    """A stand-in for each named value, by its kind."""
    return {
        name: (_INT_STAND_IN + i if kind is int else _TEXT_STAND_IN.format(name))
        for i, (name, kind) in enumerate(kinds.items())
    }


class NotPreparable(Exception):
    """The builder's queryset cannot run as prepared SQL (a value was transformed or
    written into the SQL itself, or it prefetches)."""


def _compiled(compiler) -> tuple[str, list]:
    try:
        return compiler.as_sql()
    except EmptyResultSet:
        raise NotPreparable("a stand-in made a condition impossible") from None


def _places(sql: str, params, stand_ins: dict) -> dict[str, list[int]]:
    """Where each stand-in is among the compiled SQL's parameters; refused if one was
    written into the SQL itself or changed on the way (it would not be replaced)."""
    places = {}
    for name, stand_in in stand_ins.items():
        if str(stand_in) in sql:
            raise NotPreparable(f"{name} was written into the SQL itself")
        found = [i for i, p in enumerate(params) if type(p) is type(stand_in) and p == stand_in]
        if not found:
            raise NotPreparable(f"{name} did not reach the SQL's parameters unchanged")
        places[name] = found
    return places


class _PlannedOncePerProcess:
    """A plan made on first use for each database, then shared by every thread."""

    def __init__(self):
        self._plans: dict[str, object] = {}
        self._lock = threading.Lock()

    def _plan(self, alias: str):
        plan = self._plans.get(alias)
        if plan is not None:
            return plan
        with self._lock:
            if alias not in self._plans:
                self._plans[alias] = self._make_plan(alias)
            return self._plans[alias]

    def _make_plan(self, alias: str):
        raise NotImplementedError


@dataclass(frozen=True)
class _Plan:
    compiler: object
    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]
    iterable_class: type
    model: type
    converters: dict


class _Replay:
    """Stands in for the queryset's `Query` when Django's iterable asks it for a
    compiler: hands over the compiler already set up, and answers every other question
    from the original query."""

    def __init__(self, query, compiler):
        self._query = query
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):
        return getattr(self._query, name)


class Prepared(_PlannedOncePerProcess):
    """`Prepared(build, pk=int, label=str)`: `build(pk=..., label=...)` returns the
    queryset; calling the prepared query with the same keywords returns its rows as a
    list, from SQL built on the first call in each process."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        for name, kind in kinds.items():
            if kind not in (int, str):
                raise TypeError(f"{name}: a prepared query takes int or str values")
        super().__init__()
        self.build = build
        self.kinds = kinds

    def _make_plan(self, alias: str) -> _Plan:
        stand_ins = _stand_ins(self.kinds)
        queryset = self.build(**stand_ins).using(alias)
        if queryset._prefetch_related_lookups:
            raise NotPreparable("a prepared query cannot prefetch")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = _compiled(compiler)
        places = _places(sql, params, stand_ins)
        slots = [(i, name) for name, found in places.items() for i in found]
        # What turns each column's database value into Python's, worked out once too.
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        return _Plan(
            converters=compiler.get_converters(fields),
            compiler=compiler,
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            iterable_class=queryset._iterable_class,
            model=queryset.model,
        )

    def __call__(self, *, using: str = "default", **values) -> list:
        if values.keys() != self.kinds.keys():
            raise TypeError(f"expected the values {sorted(self.kinds)}, got {sorted(values)}")
        for name, kind in self.kinds.items():
            if type(values[name]) is not kind:
                values[name] = kind(values[name])
        plan = self._plan(using)
        params = list(plan.params)
        for i, name in plan.slots:
            params[i] = values[name]
        compiler = copy.copy(plan.compiler)
        compiler.connection = connections[using]
        compiler.as_sql = lambda *args, **kwargs: (plan.sql, params)
        compiler.get_converters = lambda expressions: plan.converters
        queryset = QuerySet(model=plan.model, query=_Replay(plan.compiler.query, compiler))
        queryset._db = using
        return list(plan.iterable_class(queryset))

    def first(self, **values):
        rows = self(**values)
        return rows[0] if rows else None


class PreparedUpdate(_PlannedOncePerProcess):
    """An UPDATE whose SQL Django builds once per process, as `Prepared` does for reads.

    `PreparedUpdate(build, where={"pk": int}, values=["title"], json=["page"])`:
    `build(**stand_ins)` returns `(queryset, changes)`, the rows and what
    `QuerySet.update` would be given besides `values` (expressions such as
    `F("version") + 1`, which may use the `json` stand-ins as `Value`s). Each name in
    `values` is set from the call's value of it, adapted by its field as Django adapts a
    plain value (`get_db_prep_save`); each `json` value is adapted as JSON. Calling it
    runs the UPDATE and returns how many rows it changed.
    """

    def __init__(self, build, *, where: dict[str, type], values=(), json=()):
        super().__init__()
        self.build = build
        self.where = where
        self.values = tuple(values)
        self.json = tuple(json)

    def _make_plan(self, alias: str) -> tuple:
        from django.db.models import JSONField, Value
        from django.db.models.sql import UpdateQuery

        stand_ins = _stand_ins(self.where)
        texts = {name: _TEXT_STAND_IN.format(name) for name in (*self.values, *self.json)}
        queryset, changes = self.build(
            **stand_ins, **{name: Value(texts[name]) for name in self.json}
        )
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values({**changes, **{name: Value(texts[name]) for name in self.values}})
        sql, params = _compiled(query.get_compiler(alias))
        model = queryset.model
        slots = []
        for name, found in _places(sql, params, {**stand_ins, **texts}).items():
            if len(found) != 1:
                raise NotPreparable(f"{name} reached the SQL's parameters more than once")
            if name in self.values:
                adapt = model._meta.get_field(name).get_db_prep_save
            elif name in self.json:
                adapt = JSONField().get_db_prep_save
            else:
                adapt = None
            slots.append((found[0], name, adapt))
        return sql, tuple(params), tuple(slots)

    def __call__(self, *, using: str = "default", **given) -> int:
        expected = {*self.where, *self.values, *self.json}
        if given.keys() != expected:
            raise TypeError(f"expected the values {sorted(expected)}, got {sorted(given)}")
        sql, template, slots = self._plan(using)
        connection = connections[using]
        params = list(template)
        for i, name, adapt in slots:
            value = given[name]
            if adapt is not None:
                params[i] = adapt(value, connection=connection)
            else:
                params[i] = value if type(value) is self.where[name] else self.where[name](value)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount
