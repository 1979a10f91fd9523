"""Pages opened by a private link's token: a rater's survey link, a sign-in link.

Whoever opens such a page may be guessing tokens. The link's owner is looked up once a
request; only failed look-ups count against the client address's limit (many people
behind one office address open valid links, and they are never throttled); and every
failure answers one and the same page, so it reveals nothing of why (unknown, used,
expired, replaced, removed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from flask import g, redirect, render_template, request, url_for

from service.extensions import limiter

Owner = TypeVar("Owner")
NOT_FOUND = 404


class TokenLink(Generic[Owner]):
    """The pages of one kind of link, whose `<token>` `find` turns into its owner or None."""

    def __init__(
        self, name: str, find: Callable[[str], Owner | None], invalid_template: str
    ) -> None:
        self.name = name
        self.find = find
        self.invalid_template = invalid_template

    def owner(self, token: str) -> Owner | None:
        """Whose link this is, or None; looked up once a request (the limit asks first)."""
        owners = g.setdefault("link_owners", {})
        if (self.name, token) not in owners:
            owners[self.name, token] = self.find(token)
        return owners[self.name, token]

    def _presents_valid_link(self) -> bool:
        return self.owner(request.view_args["token"]) is not None

    def limit_failures(self, limit: Callable[[], str], scope: str) -> Callable:
        """A view's decorator: each failed look-up (a 404) counts against the client
        address's `limit`, shared by the views of `scope`; a valid link counts nothing."""
        return limiter.shared_limit(
            limit,
            scope,
            exempt_when=self._presents_valid_link,
            deduct_when=lambda response: response.status_code == NOT_FOUND,
        )

    def invalid(self):
        """The one answer to a link that does not work, whatever the reason."""
        return render_template(self.invalid_template), NOT_FOUND

    def open(self, token: str, sign_in: Callable[[Owner, str], None], endpoint: str):
        """A link that signs its owner in: sign in, then leave the token's URL at once (it
        never stays in the address bar, the history or a Referer) for `endpoint`."""
        owner = self.owner(token)
        if owner is None:
            return self.invalid()
        sign_in(owner, token)
        return redirect(url_for(endpoint), code=303)
