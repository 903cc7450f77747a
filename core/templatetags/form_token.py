"""`{% csrf_token %}` that also renders the one-time form token (core/form_tokens.py).

Listed in TEMPLATES OPTIONS "builtins": Django adds its own builtins first and then these
(django.template.engine.Engine: default_builtins + builtins; Parser.add_library updates the tag
table in that order), so this tag replaces Django's in every template, the admin's included,
without a {% load %}."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from core.form_tokens import FIELD_NAME, new_token

register = template.Library()


class CsrfAndFormTokenNode(CsrfTokenNode):
    def render(self, context) -> str:
        csrf = super().render(context)
        if not csrf:
            return csrf
        return csrf + format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, new_token())


@register.tag
def csrf_token(parser, token) -> CsrfAndFormTokenNode:
    return CsrfAndFormTokenNode()
