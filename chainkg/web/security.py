"""Default-deny for the workbench: read-only methods, a local-only Host, a token off localhost, strict headers.

* Only ``GET`` and ``HEAD``: anything else is answered 405 before a route runs.
* Bound to a loopback address, only requests whose ``Host`` is a loopback
  name are served (no DNS rebinding from a web page elsewhere).
* Bound to any other address, every request needs the token the server
  printed at start: ``Authorization: Bearer TOKEN``, or ``?token=TOKEN``
  once in the browser (answered with a redirect that sets an HttpOnly,
  SameSite=Strict cookie and drops the token from the address).
* Every response carries a Content-Security-Policy that lets a page load
  nothing from elsewhere and run no inline script, ``nosniff``, no framing,
  no referrer.

>>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0"), is_loopback("::1")
(True, True, False, True)
>>> check_token("s3cret", "Bearer s3cret", None, None), check_token("s3cret", None, None, "wrong")
(True, False)
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from urllib.parse import urlencode

__all__ = ["CSP", "SECURITY_HEADERS", "COOKIE", "new_token", "is_loopback", "check_token", "SecurityMiddleware"]

#: nothing from elsewhere, no inline script, no plugins, no framing, forms only to this server
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
COOKIE = "chainkg_token"
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def new_token() -> str:
    """A fresh random token (URL-safe, 32 bytes of entropy)."""
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or a name, maybe with brackets) is this machine only."""
    host = host.strip("[]").lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_token(token: str, authorization: str | None, cookie: str | None, query: str | None) -> bool:
    """Whether the request proves it knows ``token`` (compared in constant time)."""
    offered = []
    if authorization and authorization.lower().startswith("bearer "):
        offered.append(authorization[7:].strip())
    offered += [v for v in (cookie, query) if v]
    return any(hmac.compare_digest(o.encode("utf-8"), token.encode("utf-8")) for o in offered)


def _host_name(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header[1:].split("]")[0]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


class SecurityMiddleware:
    """ASGI middleware: methods, Host, token and headers (see the module docstring).

    ``token`` None means "bound to loopback": then the Host must be a loopback name.
    ``refuse(status, title, message)`` renders the refusal page (a Starlette response).
    """

    def __init__(self, app, *, token: str | None, refuse):
        self.app = app
        self.token = token
        self.refuse = refuse

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        from starlette.datastructures import URL, Headers, QueryParams
        from starlette.responses import RedirectResponse

        headers = Headers(scope=scope)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                raw = [(k, v) for k, v in message.get("headers", []) if k.decode("latin-1").lower()
                       not in SECURITY_HEADERS]
                raw += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": raw}
            await send(message)

        response = None
        if scope["method"] not in ("GET", "HEAD"):
            response = self.refuse(405, "只读服务", "本工作台只读，不接受修改请求（只允许 GET 和 HEAD）。")
            response.headers["allow"] = "GET, HEAD"
        elif self.token is None and not is_loopback(_host_name(headers.get("host", ""))):
            response = self.refuse(421, "地址不符", "本服务只在本机地址（127.0.0.1 或 localhost）上应答。")
        elif self.token is not None:
            query = QueryParams(scope.get("query_string", b"").decode("latin-1"))
            cookies = {}
            for part in headers.get("cookie", "").split(";"):
                name, _, value = part.strip().partition("=")
                cookies[name] = value
            if check_token(self.token, headers.get("authorization"), cookies.get(COOKIE), None):
                pass
            elif query.get("token") and check_token(self.token, None, None, query.get("token")):
                url = URL(scope=scope)
                rest = urlencode([(k, v) for k, v in query.multi_items() if k != "token"])
                response = RedirectResponse(url.path + (f"?{rest}" if rest else ""), status_code=303)
                response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict", path="/")
            else:
                response = self.refuse(401, "需要口令", "请使用服务启动时显示的带口令地址打开本工作台"
                                                      "（…/?token=…），或在请求头中附带 Authorization: Bearer 口令。")
                response.headers["www-authenticate"] = 'Bearer realm="chainkg"'
        if response is not None:
            return await response(scope, receive, send_with_headers)
        return await self.app(scope, receive, send_with_headers)
