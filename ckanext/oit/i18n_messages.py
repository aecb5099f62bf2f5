"""Our messages: English msgids, Thai from ckanext/oit/i18n, in one language or both.

Pages say a message in the request's language (`tk._`, as CKAN does). API errors,
jobs and mails have no page, so a `Message` is said in a language given by name,
from the catalogue files themselves; API errors carry both, Thai first, so a
caller of either language reads them. Extracted by Babel with the keywords `_`,
`N_`, `Message`, `UserError`, `both` and `count_message` (babel.cfg).
"""
from __future__ import annotations

import functools
import os
from typing import Any

from babel.support import NullTranslations, Translations

DOMAIN = "ckanext-oit"
LANGUAGES = ("th", "en")
_I18N_DIR = os.path.join(os.path.dirname(__file__), "i18n")


def N_(msgid: str) -> str:
    """Marks a msgid for extraction where it is translated later."""
    return msgid


@functools.lru_cache(maxsize=None)
def catalogue(lang: str) -> NullTranslations:
    """The compiled catalogue of `lang` (English needs none: its msgids are English)."""
    if lang == "en":
        return NullTranslations()
    return Translations.load(_I18N_DIR, [lang], domain=DOMAIN)


def language(lang: str | None = None) -> str:
    """One of LANGUAGES: `lang` if given, else the request's, else the portal's default.

    The one place that decides which language a page, a job or a mail is in.
    """
    if not lang:
        import ckan.plugins.toolkit as tk
        try:
            lang = tk.h.lang()
        except (RuntimeError, AttributeError, TypeError):
            lang = None
        lang = lang or tk.config.get("ckan.locale_default") or "th"
    return "en" if lang.lower().startswith("en") else "th"


class Message:
    """A msgid with its parameters, said later in whichever language is asked for.

    A parameter may itself be a Message, or a callable taking the language (a date
    written the way that language writes it).
    """

    def __init__(self, msgid: str, /, **params: Any):
        self.msgid, self.params = msgid, params
        self.plural: str | None = None
        self.n: int | None = None

    def say(self, lang: str | None = None) -> str:
        lang = language(lang)
        found = catalogue(lang)
        if self.plural is None:
            text = found.gettext(self.msgid)
        else:
            text = found.ngettext(self.msgid, self.plural, self.n or 0)
        values = {key: _said(value, lang) for key, value in self.params.items()}
        if self.n is not None:
            values.setdefault("num", self.n)
        return text % values if values else text

    def both(self) -> "InBoth":
        """Thai, then English: the form of every API error of ours."""
        th, en = self.say("th"), self.say("en")
        return InBoth(en if th == en else f"{th} / {en}", self)

    def __str__(self) -> str:
        return self.say()

    def __repr__(self) -> str:
        return f"Message({self.msgid!r})"


class InBoth(str):
    """The Thai / English text of a message that still knows its message, so a page
    that shows an API error says it in the page's language only (in_page_language)."""

    message: Message

    def __new__(cls, text: str, message: Message) -> "InBoth":
        said = super().__new__(cls, text)
        said.message = message
        return said

    def __str__(self) -> str:
        return self  # str(error) keeps the message

    def __reduce__(self) -> Any:
        return (str, (str.__str__(self),))  # pickled (a session, a job) as the plain text


def in_page_language(text: Any, lang: str | None = None) -> Any:
    """`text` in one language if it is a message said in both; anything else as it is."""
    return text.message.say(lang) if isinstance(text, InBoth) else text


def _said(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return value.say(lang)
    if callable(value):
        return value(lang)
    return value


def count_message(singular: str, plural: str, n: int, /, **params: Any) -> Message:
    """A message about `n` things; `%(num)d` in the msgids is `n`."""
    message = Message(singular, **params)
    message.plural, message.n = plural, n
    return message


def both(msgid: str, /, **params: Any) -> str:
    """`msgid` in Thai and English, Thai first."""
    return Message(msgid, **params).both()


class SaidInBoth:
    """`.th` and `.en` of something that carries a `message` (an error, a problem in a file)."""

    message: Message

    @property
    def th(self) -> str:
        return self.message.say("th")

    @property
    def en(self) -> str:
        return self.message.say("en")


class UserError(SaidInBoth, ValueError):
    """Something the user can fix: bad input, a missing object, a refused step.

    `field` names the input it is about, when there is one; `str()` is both languages.
    """

    def __init__(self, msgid: str | Message, /, field: str | None = None, **params: Any):
        self.message = msgid if isinstance(msgid, Message) else Message(msgid, **params)
        self.field = field
        super().__init__(self.message.both())

    def say(self, lang: str | None = None) -> str:
        return self.message.say(lang)

    def as_validation_error(self, default_field: str = "message") -> Exception:
        import ckan.plugins.toolkit as tk
        return tk.ValidationError({self.field or default_field: [str(self)]})

