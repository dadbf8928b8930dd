"""SPARQL results as pandas DataFrames, one typed column per variable.

A column takes the type of its literals: xsd:integer (and the other integer types) → Int64,
xsd:decimal / double / float → Float64, xsd:boolean → boolean, xsd:date / dateTime →
datetime64; everything else (text, IRIs, mixed columns) → string. The nullable dtypes keep an
unbound value as <NA> without turning the column into floats, so a year stays 2021 and a code
110101 (never 2021.0 or 110101.0), in the frame and in a CSV written from it."""
from __future__ import annotations

import pandas as pd
import pyoxigraph as ox

from policykg.graph.store import Result

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                                "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
                                "unsignedShort", "unsignedByte")}
_FLOATS = {_XSD + t for t in ("decimal", "double", "float")}
_BOOLEAN = _XSD + "boolean"
_DATES = {_XSD + "date", _XSD + "dateTime"}


def _datatype(term) -> str | None:
    """The datatype IRI of a literal; None for an IRI or a blank node."""
    if isinstance(term, ox.Literal):
        return term.datatype.value
    return None


def column(terms: list) -> pd.Series:
    """One typed column from pyoxigraph terms (None where the variable is unbound)."""
    types = {_datatype(t) for t in terms if t is not None}
    values = [None if t is None else t.value for t in terms]
    if types and types <= _INTEGERS:
        return pd.Series([None if v is None else int(v) for v in values], dtype="Int64")
    if types and types <= _INTEGERS | _FLOATS:
        return pd.Series([None if v is None else float(v) for v in values], dtype="Float64")
    if types == {_BOOLEAN}:
        return pd.Series([None if v is None else v in ("true", "1") for v in values], dtype="boolean")
    if types and types <= _DATES:
        return pd.Series(pd.to_datetime(values, errors="coerce"))
    return pd.Series(values, dtype="string")


def to_dataframe(result: Result) -> pd.DataFrame:
    """A SELECT (or CONSTRUCT: subject, predicate, object) result as a DataFrame; an ASK result as
    one row with the column ``boolean``."""
    if result.boolean is not None:
        return pd.DataFrame({"boolean": pd.Series([result.boolean], dtype="boolean")})
    columns = list(zip(*result.rows)) if result.rows else [[] for _ in result.variables]
    return pd.DataFrame({name: column(list(terms)) for name, terms in zip(result.variables, columns)})
