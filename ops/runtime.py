"""A worker process made ready before its first request (wirfunding/wsgi.py).

Python's cyclic garbage collector walks every object it tracks when it collects the oldest
generation. After start-up a worker holds some 230,000 such objects – modules, models, the URL
patterns, the compiled templates – none of which ever becomes garbage; at 10,000 applications
one collection walked them for about 100 ms, and on the deadlines page that came to some 20 ms
per request on average (bench/README.md, round 5). So the worker first builds what every request
would otherwise build lazily (the URL resolver, every template), then moves all of it out of
the collector's reach with `gc.freeze()`; collections then walk only what requests create.
"""

import gc
import logging
from pathlib import Path

from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver

logger = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = {".html", ".txt", ".xml"}


def prepare_worker() -> int:
    """Build the URL resolver and compile every template, then freeze everything the process
    holds; returns how many templates were compiled."""
    get_resolver().reverse_dict  # noqa: B018  # populates the resolver (a property)
    compiled = sum(_compile_templates(engine) for engine in engines.all())
    gc.collect()
    gc.freeze()
    return compiled


def _compile_templates(engine) -> int:
    count = 0
    for directory in map(Path, engine.template_dirs):
        for path in directory.rglob("*"):
            if path.suffix not in TEMPLATE_SUFFIXES or not path.is_file():
                continue
            name = path.relative_to(directory).as_posix()
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError) as error:
                # A template that does not compile on its own (a fragment of another engine, say)
                # is left to the request that uses it, as without this preparation.
                logger.debug("Vorlage %s beim Start nicht übersetzt: %s", name, error)
                continue
            count += 1
    return count
