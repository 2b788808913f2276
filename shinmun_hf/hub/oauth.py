"""The OpenID provider: discovery, JWKS, authorize (with consent), token and userinfo.

As strict as huggingface.co: unknown clients and unregistered redirect URIs get an error page
and are never redirected to; PKCE S256 is required and verified; codes are single use and
expire after a minute; the redirect URI of the exchange must equal the authorize request's; the
token endpoint reads form-encoded bodies only. The issuer, and every URL the hub advertises, is
its configured own URL (``HubSettings.issuer``), never taken from a request's Host header.
A ``client_id`` that is a URL is a Client ID Metadata Document (:mod:`.cimd`), fetched and
checked on use. Its HTML pages refuse to be framed, as real login pages do (clickjacking).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .cimd import ClientMetadataError, fetch_client, is_metadata_url
from .consent import consent_page, error_page
from .settings import SCOPES, Client, HubSettings
from .state import Grant, HubState
from .tokens import Signer

__all__ = ["oauth_routes", "redirect_uri_allowed"]

LOOPBACK_URI = re.compile(r"http://(127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?([/?][^#]*)?\Z")
"""An http loopback URI: host, optional port, then path and query; no userinfo, no fragment."""
VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}\Z")
S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
"""BASE64URL(SHA256(verifier)) without padding: always 43 characters."""
FORM = "application/x-www-form-urlencoded"
NO_FRAMING = {"X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'"}
"""On every page of the hub: a page of another site cannot frame it and trick clicks."""


def redirect_uri_allowed(client: Client, uri: str) -> bool:
    """Exact match, except that an http loopback URI may use any port (RFC 8252 §7.3): every
    other part (no userinfo, host, path, query, no fragment) must equal a registered URI's."""
    if uri in client.redirect_uris:
        return True
    if any(uri.startswith(origin + "/") for origin in client.origins):
        return "#" not in uri
    asked = LOOPBACK_URI.match(uri)
    if asked is None or int(asked[2] or 80) > 65535:
        return False
    for registered in map(LOOPBACK_URI.match, client.redirect_uris):
        if registered and (registered[1], registered[3]) == (asked[1], asked[3]):
            return True
    return False


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status, headers=NO_FRAMING)


def _redirect(uri: str, params: dict[str, str]) -> RedirectResponse:
    separator = "&" if urlsplit(uri).query else "?"
    return RedirectResponse(uri + separator + urlencode(params), status_code=302)


def _token_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def oauth_routes(settings: HubSettings, state: HubState, signer: Signer) -> list[Route]:
    def own_url() -> str:
        return settings.issuer.rstrip("/")

    async def discovery(request: Request) -> JSONResponse:
        issuer = own_url()
        return JSONResponse(
            {
                "issuer": settings.faults.discovery_issuer or issuer,
                "authorization_endpoint": f"{issuer}/oauth/authorize",
                "token_endpoint": f"{issuer}/oauth/token",
                "userinfo_endpoint": f"{issuer}/oauth/userinfo",
                "jwks_uri": f"{issuer}/oauth/jwks",
                "scopes_supported": SCOPES,
                "response_types_supported": ["code"],
                "response_modes_supported": ["query"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "code_challenge_methods_supported": ["S256"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["none"],
                "claims_supported": [
                    "sub",
                    "name",
                    "preferred_username",
                    "profile",
                    "picture",
                    "website",
                    "email",
                    "email_verified",
                    "isPro",
                    "canPay",
                    "orgs",
                ],
            }
        )

    async def jwks(request: Request) -> JSONResponse:
        return JSONResponse(signer.jwks())

    async def authorize(request: Request) -> Response:
        if request.method == "POST":
            return await consent_answer(request)
        query = request.query_params
        client_id = query.get("client_id", "")
        client = settings.clients.get(client_id)
        if client is None and is_metadata_url(client_id):
            try:
                client = await fetch_client(client_id)
            except ClientMetadataError as exc:
                return _html(error_page("Invalid client metadata document", str(exc)), 400)
        if client is None:
            return _html(
                error_page("Unknown application", "No app is registered with this client id."), 400
            )
        redirect_uri = query.get("redirect_uri", "")
        if not redirect_uri_allowed(client, redirect_uri):
            return _html(
                error_page(
                    "Redirect URI mismatch",
                    f"{redirect_uri or 'No redirect URI'} is not registered for {client.name}.",
                ),
                400,
            )
        state_value = query.get("state", "")

        def refuse(error: str, description: str) -> RedirectResponse:
            params = {"error": error, "error_description": description}
            if state_value:
                params["state"] = state_value
            return _redirect(redirect_uri, params)

        if query.get("response_type") != "code":
            return refuse("unsupported_response_type", "Only response_type=code is supported")
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return refuse("invalid_request", "PKCE with code_challenge_method=S256 is required")
        if not S256_CHALLENGE.fullmatch(query["code_challenge"]):  # RFC 7636 §4.2
            return refuse("invalid_request", "code_challenge must be 43 base64url characters")
        scopes = query.get("scope", "").split()
        unknown = [scope for scope in scopes if scope not in SCOPES]
        if not scopes or unknown:
            return refuse("invalid_scope", f"Unknown scope: {' '.join(unknown) or '(none)'}")
        request_params = {
            "client_id": client.client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(scopes),
            "state": state_value,
            "code_challenge": query["code_challenge"],
            "nonce": query.get("nonce", ""),
        }
        if settings.auto_approve and query.get("prompt") != "consent":
            return approve(request_params)
        form_id = secrets.token_urlsafe(16)
        with state.lock:
            state.pending[form_id] = request_params
        return _html(
            consent_page(
                app_name=client.name,
                user=settings.user.preferred_username,
                scopes=scopes,
                form_id=form_id,
                redirect_uri=redirect_uri,
            )
        )

    async def consent_answer(request: Request) -> Response:
        form = await _form(request)
        with state.lock:
            request_params = state.pending.pop(str(form.get("form_id", "")), None)
        if request_params is None:
            return _html(
                error_page("Expired request", "This consent form was already answered."), 400
            )
        if form.get("decision") != "approve":
            params = {
                "error": "access_denied",
                "error_description": "The user denied access to the app",
            }
            if request_params["state"]:
                params["state"] = request_params["state"]
            return _redirect(request_params["redirect_uri"], params)
        return approve(request_params)

    def approve(request_params: dict[str, str]) -> RedirectResponse:
        code = state.issue_code(
            Grant(
                client_id=request_params["client_id"],
                redirect_uri=request_params["redirect_uri"],
                scope=request_params["scope"].split(),
                code_challenge=request_params["code_challenge"],
                nonce=request_params["nonce"] or None,
                issued_at=time.time(),
                auth_time=signer.now(),
            )
        )
        params = {"code": code}
        if request_params["state"]:
            params["state"] = request_params["state"]
        return _redirect(request_params["redirect_uri"], params)

    async def token(request: Request) -> JSONResponse:
        media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if media_type != FORM:
            return _token_error(400, "invalid_request", f"The request body must be {FORM}")
        form = await _form(request)
        if form.get("grant_type") != "authorization_code":
            return _token_error(
                400, "unsupported_grant_type", "Only grant_type=authorization_code is supported"
            )
        client_id = str(form.get("client_id", ""))
        # (A metadata document was checked at authorize; the code names the client it was for.)
        if client_id not in settings.clients and not is_metadata_url(client_id):
            return _token_error(401, "invalid_client", "Unknown client_id")
        code, verifier = str(form.get("code", "")), str(form.get("code_verifier", ""))
        if not code or not verifier:
            return _token_error(400, "invalid_request", "code and code_verifier are required")
        grant = state.take_code(code)
        if grant is None or time.time() - grant.issued_at > settings.code_lifetime:
            return _token_error(400, "invalid_grant", "The code is invalid, expired or used")
        if grant.client_id != client_id:
            return _token_error(400, "invalid_grant", "The code was issued to another client")
        if form.get("redirect_uri") != grant.redirect_uri:
            return _token_error(400, "invalid_grant", "redirect_uri does not match")
        if not VERIFIER.match(verifier) or _s256(verifier) != grant.code_challenge:
            return _token_error(400, "invalid_grant", "PKCE verification failed")
        access_token = state.issue_token(client_id, grant.scope, settings.access_token_lifetime)
        body: dict[str, Any] = {
            "access_token": access_token,
            "token_type": "bearer",
            "expires_in": int(settings.access_token_lifetime),
            "scope": " ".join(grant.scope),
        }
        if "openid" in grant.scope:
            faults = settings.faults
            body["id_token"] = signer.id_token(
                id_token_claims(grant),
                alg=faults.id_token_alg,
                kid=faults.id_token_kid,
                forged=faults.id_token_forged,
            )
        return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    def id_token_claims(grant: Grant) -> dict[str, Any]:
        faults = settings.faults
        now = signer.now()
        claims: dict[str, Any] = {
            "iss": faults.id_token_issuer or own_url(),
            "aud": faults.id_token_audience or grant.client_id,
            "sub": settings.user.sub,
            "iat": now + 3600
            if faults.id_token_from_the_future
            else now - (7200 if faults.id_token_expired else 0),
            "exp": now - 3600 if faults.id_token_expired else now + int(settings.id_token_lifetime),
            "auth_time": grant.auth_time,
        }
        nonce = faults.id_token_nonce or grant.nonce
        if nonce:
            claims["nonce"] = nonce
        if "profile" in grant.scope:
            claims.update(profile_claims())
        return claims

    def profile_claims() -> dict[str, Any]:
        user = settings.user
        return {
            "name": user.name,
            "preferred_username": user.preferred_username,
            "profile": f"{own_url()}/{user.preferred_username}",
            "picture": f"{own_url()}/avatars/{user.preferred_username}.svg",
        }

    async def userinfo(request: Request) -> JSONResponse:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        record = state.valid_token(value) if scheme.lower() == "bearer" else None
        if record is None:
            return JSONResponse(
                {"error": "invalid_token", "error_description": "Invalid or expired token"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        user = settings.user
        orgs = [
            {"picture": f"{own_url()}/avatars/{org['preferred_username']}.svg", **org}
            for org in user.orgs
        ]
        body: dict[str, Any] = {"sub": user.sub, "isPro": user.is_pro, "orgs": orgs}
        if "profile" in record.scope:
            body.update(profile_claims())
        if "email" in record.scope:
            body.update(email=user.email, email_verified=True)
        if "read-billing" in record.scope:
            body["canPay"] = user.can_pay
        return JSONResponse(body)

    async def avatar(request: Request) -> Response:
        letter = (request.path_params["name"][:1] or "?").upper()
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img">'
            '<rect width="64" height="64" rx="32" fill="#ff9d00"/>'
            f'<text x="32" y="42" font-size="30" text-anchor="middle" fill="#1f2328" '
            f'font-family="sans-serif">{"" if not letter.isalnum() else letter}</text></svg>'
        )
        return Response(svg, media_type="image/svg+xml")

    return [
        Route("/.well-known/openid-configuration", discovery),
        Route("/oauth/jwks", jwks),
        Route("/oauth/authorize", authorize, methods=["GET", "POST"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/oauth/userinfo", userinfo, methods=["GET", "POST"]),
        Route("/avatars/{name}.svg", avatar),
    ]


async def _form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (the only kind OAuth uses here)."""
    body = (await request.body()).decode("utf-8", "replace")
    return dict(parse_qsl(body, keep_blank_values=True))


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
