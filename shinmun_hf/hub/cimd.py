"""Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document), as the hub
accepts them: a ``client_id`` that is the URL of a JSON document describing the app, fetched
when the app is used, so no app has to be registered by hand (Hugging Face accepts these).

Checked strictly: the URL (https, plain http only on loopback, a path, no fragment, no
credentials, no dot segments), the fetch (status 200, no redirects, JSON, 5 KB at most) and the
document (``client_id`` equal to its URL, ``token_endpoint_auth_method: none``, no secret,
``redirect_uris`` a list of URLs). Section numbers are those of draft -01.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from .settings import Client

__all__ = ["MAX_DOCUMENT_BYTES", "ClientMetadataError", "fetch_client", "is_metadata_url"]

MAX_DOCUMENT_BYTES = 5 * 1024
"""§6.6: the authorization server should limit the size it reads (5 kilobytes)."""
TIMEOUT = 5.0
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class ClientMetadataError(Exception):
    """Why a metadata document was refused (shown on the hub's error page)."""


def is_metadata_url(client_id: str) -> bool:
    """A client id that names a metadata document rather than a registered app."""
    return client_id.startswith(("https://", "http://"))


def _check_url(url: str) -> None:
    """§3: the client identifier URL's shape."""
    parts = urlsplit(url)
    loopback = parts.hostname in LOOPBACK_HOSTS
    if not (parts.scheme == "https" or (parts.scheme == "http" and loopback)):
        raise ClientMetadataError("the client id must be an https URL (plain http: loopback only)")
    if parts.username is not None or parts.password is not None:
        raise ClientMetadataError("the client id URL must not contain a user name or password")
    if parts.fragment or url.endswith("#"):
        raise ClientMetadataError("the client id URL must not contain a fragment")
    segments = parts.path.split("/")
    if parts.path in ("", "/") or any(s in (".", "..") for s in segments):
        raise ClientMetadataError("the client id URL needs a path without . or .. segments")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """§4: the document is read where the client id says, never after a redirect."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def _download(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            media_type = response.headers.get_content_type()
            if response.status != 200:
                raise ClientMetadataError(f"{url} answered HTTP {response.status}, not 200")
            if media_type != "application/json":
                raise ClientMetadataError(f"{url} is {media_type}, not application/json")
            data = response.read(MAX_DOCUMENT_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise ClientMetadataError(f"{url} answered HTTP {exc.code}, not 200") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ClientMetadataError(f"{url} could not be read ({exc})") from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ClientMetadataError(f"{url} is larger than {MAX_DOCUMENT_BYTES} bytes")
    return data


def _client(url: str, data: bytes) -> Client:
    """§4.1 and §6.1: the document's own claims about the app."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ClientMetadataError(f"{url} is not valid JSON") from None
    if not isinstance(document, dict):
        raise ClientMetadataError(f"{url} is not a JSON object")
    if document.get("client_id") != url:
        raise ClientMetadataError(f"the document's client_id is not its own URL, {url}")
    if document.get("token_endpoint_auth_method") != "none":
        raise ClientMetadataError("token_endpoint_auth_method must be none (a public client)")
    if "client_secret" in document or "client_secret_expires_at" in document:
        raise ClientMetadataError("a client metadata document must not contain a secret")
    uris = document.get("redirect_uris")
    if not isinstance(uris, list) or not uris or not all(isinstance(u, str) for u in uris):
        raise ClientMetadataError("redirect_uris must be a non-empty list of URLs")
    name = document.get("client_name")
    name = name.strip() if isinstance(name, str) and name.strip() else urlsplit(url).netloc
    return Client(url, name, list(uris))


async def fetch_client(url: str) -> Client:
    """The app ``url`` describes, read now (nothing is cached: an edit counts at once)."""
    _check_url(url)
    data = await asyncio.to_thread(_download, url)
    return _client(url, data)
