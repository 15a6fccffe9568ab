"""Rules of the Hania API that JSON Schema cannot state, applied to the
requests schemathesis generates so that a schema-valid request the server
refuses is a real finding. Every other input rule is in the served spec
(see crates/hania-http/src/openapi/rules.rs); each rule here is one the
server documents in the operation's description:

- a bot always has a usable prompt: `system_prompt`, or a `prompt_builder`
  with a non-blank section when the prompt is (re)assembled from it;
- a bot's `schedule` is a five-field cron expression;
- an account key's `expires_at` is in the future;
- conversation paging keeps `limit + offset` at most 10000;
- a call transcript does not end before it starts (`ended_at` is set to
  `started_at`);
- a webhook URL passes the outbound guard, which depends on the server's
  HANIA_OUTBOUND_ALLOW_NETS (none here): an IPv4 literal must be public and
  the scheme https, so generated literals and http:// are replaced;
- a query string carries text only: a bot-list metadata filter whose
  generated values are not text (null, a number, an object) arrives as the
  text schemathesis writes for them ("nil", "1", …), which is a valid filter
  value, so "schema-violating request accepted" about those values is
  dropped (filter_failure); the filter's keys stay checked;
- the run keeps its own key: revoking it (`DELETE /api/v1/keys/{keyID}` with
  the id in HANIA_KEY_ID) would end the run, so that call names a key that
  does not exist instead.
"""

import datetime
import ipaddress
import os
import re
import uuid

import schemathesis

# What Rust's `char::is_whitespace` counts (the server trims with it).
RUST_WHITESPACE = set(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)
PROMPT = "You help Acme's customers."


def _non_blank(value):
    return isinstance(value, str) and any(c not in RUST_WHITESPACE for c in value)


def _builder_has_section(builder):
    if not isinstance(builder, dict):
        return False
    texts = [builder.get(k) for k in ("persona", "goal", "tone", "knowledge")]
    lists = [builder.get(k) or [] for k in ("instructions", "constraints")]
    return any(_non_blank(t) for t in texts) or any(
        _non_blank(item) for items in lists if isinstance(items, list) for item in items
    )


def _usable_prompt(body, creating):
    prompt = body.get("system_prompt")
    if _non_blank(prompt):
        return body
    builder_given = "prompt_builder" in body
    assembles = creating or builder_given or ("system_prompt" in body and prompt is None)
    if assembles and not _builder_has_section(body.get("prompt_builder")):
        body["system_prompt"] = PROMPT
    return body


@schemathesis.hook
def filter_failure(context, failure, case, response):
    about_values = (
        failure.code == "ST201"
        and case.operation.path == "/api/v1/bots"
        and case.method.upper() == "GET"
        and "parameter `metadata` in query" in failure.message
        and "additionalProperties" in failure.message
    )
    return not about_values


@schemathesis.hook
def before_call(context, case, **kwargs):
    """Runs on every request of every phase (examples, coverage, fuzzing,
    stateful), after generation; schemathesis re-validates the result."""
    method, path = case.operation.method.upper(), case.operation.path
    body, query = case.body, case.query
    if isinstance(body, dict):
        if path in ("/api/v1/bots", "/api/v1/bots/{botID}") and method in ("POST", "PUT"):
            _usable_prompt(body, creating=method == "POST")
            if body.get("schedule") is not None:
                body["schedule"] = "0 9 * * 1-5"
        if path in ("/api/v1/tools", "/api/v1/tools/{toolID}") and isinstance(body.get("config"), dict):
            url = body["config"].get("url")
            if isinstance(url, str):
                body["config"]["url"] = _guarded_url(url)
        if (method, path) == ("POST", "/api/v1/keys") and body.get("expires_at") is not None:
            body["expires_at"] = (
                datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
            ).strftime("%Y-%m-%dT%H:%M:%SZ")
    if (method, path) == ("POST", "/api/v1/calls/transcripts") and isinstance(body, dict):
        if isinstance(body.get("started_at"), str) and "ended_at" in body:
            body["ended_at"] = body["started_at"]
    if (method, path) == ("GET", "/api/v1/conversations") and isinstance(query, dict):
        limit, offset = _whole(query.get("limit")), _whole(query.get("offset"))
        if offset is not None:
            page = limit if limit is not None and 1 <= limit <= 500 else 100
            query["offset"] = max(0, min(offset, 10000 - page))
    if (method, path) == ("POST", "/api/v1/bots/{botID}/run"):
        # Without an input the bot's agent_goal runs, and a bot without one
        # is a 400 the schema cannot state: always give an input.
        if not (isinstance(body, dict) and isinstance(body.get("input"), str) and body["input"].strip()):
            case.body = {"input": "Summarise the day"}
    if path.startswith("/api/v1/widget/"):
        # Widget keys work only from a page on their allowed domains.
        case.headers = {**(case.headers or {}), "Origin": "https://schemathesis.test"}
    if (method, path) == ("DELETE", "/api/v1/keys/{keyID}") and case.path_parameters:
        if str(case.path_parameters.get("keyID")) == os.environ.get("HANIA_KEY_ID"):
            case.path_parameters["keyID"] = str(uuid.uuid4())


URL_HOST = re.compile(r"^(https?)://([^/?:]+)")


def _guarded_url(url):
    """The URL with https and, for a non-public IPv4 literal, a public
    host name instead (what the outbound guard would refuse)."""
    match = URL_HOST.match(url)
    if not match:
        return url
    host = match.group(2)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    # Python counts multicast and reserved addresses as global; the guard
    # refuses them too.
    if address is not None and (
        not address.is_global or address.is_multicast or address.is_reserved
    ):
        host = "hooks.example.com"
    return "https://" + host + url[match.end():]


def _whole(value):
    """A query value as a whole number (generated as int or as text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None
