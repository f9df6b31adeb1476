"""CSRF protection for every form: a random token in a cookie that the form must echo
(double submit), compared in constant time. A page from another site can neither read
the cookie nor guess the token."""

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Form, Request

from dfc.errors import Forbidden

CSRF_COOKIE = "dfc_csrf"
CSRF_FIELD = "csrf_token"


def csrf_token_for(request: Request) -> str:
    """The token for forms on this page; a new one is made (and set by the layout) if needed."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_token", None)
    if not token:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf_token = token
    return token


class CsrfFailed(Forbidden):
    code = "csrf-failed"


def check_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not csrf_token or not hmac.compare_digest(cookie, csrf_token):
        raise CsrfFailed("The form has expired or came from another site. Go back and try again.")


CsrfChecked = Annotated[None, Depends(check_csrf)]
