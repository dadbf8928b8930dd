"""The Jinja2 templates of the viz pages, from one environment per process: each template is
compiled once, not once per page (compiling reading.html cost ~65 ms, paid for every report's
reading page).

>>> template("reading.html") is template("reading.html")
True
"""
from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, Template


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=PackageLoader("policykg.viz", "templates"), autoescape=True, keep_trailing_newline=True,
                       auto_reload=False)


def template(name: str) -> Template:
    """The compiled template ``viz/templates/<name>`` (HTML-escaping everything it is given)."""
    return _environment().get_template(name)
