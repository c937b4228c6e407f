"""Norwegian bokmål first, English second: the page language and the words of the interface."""

from __future__ import annotations

from flask import Flask, Response, g, request

LANGUAGES = ("nb", "en")
COOKIE = "lang"


def init_app(app: Flask) -> None:
    """Choose the language per request (``?lang=`` then cookie, default nb) and expose it."""

    @app.before_request
    def choose_language() -> None:
        wanted = request.args.get("lang") or request.cookies.get(COOKIE) or "nb"
        g.lang = wanted if wanted in LANGUAGES else "nb"

    @app.after_request
    def remember_language(response: Response) -> Response:
        if request.args.get("lang") in LANGUAGES:
            response.set_cookie(COOKIE, request.args["lang"], samesite="Lax", max_age=31536000)
        return response

    app.jinja_env.globals.update(current_lang=current_lang)


def current_lang() -> str:
    return str(getattr(g, "lang", "nb"))


def pick(texts: dict[str, str]) -> str:
    """Return the text in the page language, else in the other one."""
    lang = current_lang()
    return texts.get(lang) or next(iter(texts.values()), "")
