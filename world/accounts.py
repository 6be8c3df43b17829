"""Player accounts that refuse to be unsafe: which usernames may be taken, which passwords
are refused, and how failed logins lock a username out for a while.

Usernames are NFKC-normalised, then compared by *skeleton*: the name with every character
that Unicode's confusables table (from `confusable-homoglyphs`) likens to an ASCII one replaced
by it, case-folded, ASCII look-alikes merged (0/o, 1/i/l, rn/m), and without separators
(`_ . - @ +`, spaces). Two names with the same skeleton look alike (`alice_b`; the same with
a Cyrillic `e`, U+0435; `AIice.b`), so a new name is refused when its skeleton is a reserved
word's, a staff user's, a non-player character's (Spectra, the NPCs), or another account's.
Names mixing scripts are refused outright: they are how look-alikes are made. Each account's skeleton is stored in
`AccountName` (unique), so even two registrations racing each other cannot both win.

The failed-login lockout lives in the Django cache (Redis in served mode): it is short-lived
counting, not world state, and it fails open (see `_cache_call`).
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from functools import cache
from typing import Any

from confusable_homoglyphs import confusables
from confusable_homoglyphs import utils as confusable_data
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.cache import cache as django_cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from redis.exceptions import RedisError

from htrae.errors import DomainError
from world.models import AccountName, Character

logger = logging.getLogger(__name__)
User = get_user_model()

# Names nobody may register: they would pass for the people who run the world.
RESERVED_USERNAMES = ("spectra", "admin", "administrator", "root", "staff", "moderator", "system")

_SEPARATORS = re.compile(r"[\s_.\-@+]+")


# --- Usernames ---------------------------------------------------------------------------


def username_normalize(username: str) -> str:
    """The form a username is checked and stored in: Unicode NFKC (full-width and styled
    letters become plain ones: `alice` in full-width letters is `alice`)."""
    return unicodedata.normalize("NFKC", username)


# Plain ASCII that looks alike in common fonts (after case-folding): 0 and o; 1, i and l; rn and m.
_ASCII_LOOK_ALIKES = str.maketrans({"0": "o", "1": "l", "i": "l"})


@cache
def _ascii_prototypes() -> dict[str, str]:
    """Each non-ASCII character that Unicode's confusables table likens to an ASCII one → that
    ASCII character (Cyrillic U+0435 → e, Greek U+0391 → A). Others stay themselves: a name wholly in
    another script has no ASCII look-alike to collide with."""
    prototypes = {}
    for char, homoglyphs in confusable_data.load("confusables.json").items():
        if len(char) != 1 or char.isascii():
            continue
        ascii_ones = sorted(h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii())
        if ascii_ones:
            prototypes[char] = ascii_ones[0]
    return prototypes


def username_skeleton(username: str) -> str:
    """What a name looks like: equal skeletons mean names a person could mistake for each other."""
    prototypes = _ascii_prototypes()

    def to_ascii(text: str) -> str:
        return "".join(prototypes.get(char, char) for char in text)

    # Case first, so that names differing only in case (in any script) share a skeleton. (A
    # capital with an ASCII look-alike only in upper case, Cyrillic U+0412 for B, is then judged by
    # its lower case; mixing it with Latin letters is refused anyway.)
    skeleton = to_ascii(username_normalize(username).casefold())
    skeleton = skeleton.translate(_ASCII_LOOK_ALIKES).replace("rn", "m")
    return _SEPARATORS.sub("", skeleton)


def _username_invalid(message: str, code: str) -> ValidationError:
    return ValidationError({"username": ValidationError(message, code=code)})


def username_validate(*, username: str) -> str:
    """Check a (normalised) username may be registered; returns its skeleton.

    Raises ValidationError on `username` with code `reserved` (a staff word or a staff
    user's name), `impersonation` (a non-player character's name), `mixed_script`,
    and DomainError `username_taken` (409: the same as, or a look-alike of, an existing
    account's name).
    """
    if confusables.is_mixed_script(username):
        raise _username_invalid(
            "This name mixes alphabets (e.g. Latin and Cyrillic letters); use one.", code="mixed_script"
        )
    skeleton = username_skeleton(username)
    if not skeleton:
        raise _username_invalid("This name needs at least one letter or digit.", code="invalid")
    if skeleton in {username_skeleton(name) for name in RESERVED_USERNAMES}:
        raise _username_invalid("This name is reserved.", code="reserved")
    staff = User.objects.filter(Q(is_staff=True) | Q(is_superuser=True)).values_list("username", flat=True)
    if skeleton in {username_skeleton(name) for name in staff}:
        raise _username_invalid("This name is reserved.", code="reserved")
    if skeleton in _character_skeletons():
        raise _username_invalid("This is the name of someone who lives in the world.", code="impersonation")
    if (
        User.objects.filter(username__iexact=username).exists()
        or AccountName.objects.filter(skeleton=skeleton).exists()
    ):
        raise username_taken_error()
    return skeleton


_character_skeletons_cache: tuple[tuple, frozenset[str]] = ((), frozenset())


def _character_skeletons() -> frozenset[str]:
    """The skeletons of Spectra's and every NPC's name, kept per process and read again only
    when those characters change (one aggregate query per registration, not every name: a
    world of 100,000 NPCs would otherwise send 100,000 names to each registration)."""
    global _character_skeletons_cache
    characters = Character.objects.filter(kind__in=[Character.Kind.NPC, Character.Kind.SPECTRA])
    version = tuple(characters.aggregate(count=Count("id"), last=Max("id"), changed=Max("updated_at")).values())
    if _character_skeletons_cache[0] != version:
        names = characters.values_list("name", flat=True).iterator(chunk_size=5000)
        _character_skeletons_cache = (version, frozenset(username_skeleton(name) for name in names))
    return _character_skeletons_cache[1]


def username_taken_error() -> DomainError:
    """A name taken (or too like one that is), and what a registration that lost a race for
    its name (a unique index refused it) gets: a well-formed request that conflicts with the
    world as it is, 409."""
    return DomainError("This name is taken, or too like one that is.", code="username_taken", status_code=409)


# --- Passwords ---------------------------------------------------------------------------


class NotOnlyWhitespacePasswordValidator:
    """Refuses passwords of nothing but whitespace: eight spaces pass a length check."""

    def validate(self, password: str, user: Any = None) -> None:
        if not password.strip():
            raise ValidationError("This password is only whitespace.", code="password_only_whitespace")

    def get_help_text(self) -> str:
        return "Your password can't be only whitespace."


# --- Logins ------------------------------------------------------------------------------


class LoginLockedOut(DomainError):
    """Too many wrong passwords for a username: refused until the window passes."""

    code = "throttled"
    status_code = 429

    def __init__(self, *, retry_after: int):
        super().__init__(f"Too many failed logins for this name; try again in {retry_after} seconds.")
        self.retry_after = retry_after


def _cache_call(default: Any, operation, *args):
    """Run a cache operation; if the cache (Redis) is down, log and return `default`.

    Failing open is deliberate: a Redis outage then costs the lockout its memory for a while,
    instead of refusing every login with a 500 (the request throttles do the same, and both
    say so in the log).
    """
    try:
        return operation(*args)
    except (RedisError, OSError) as error:
        logger.warning("Login lockout skipped: the cache is unavailable (%s).", error)
        return default


def _lockout_key(username: str) -> str:
    return f"{settings.AUTH_THROTTLE_KEY_PREFIX}:failed-logins:{username_skeleton(username)}"


def login_lockout_check(*, username: str) -> None:
    """Raise LoginLockedOut while `username` has had too many failed logins in the window."""
    record = _cache_call(None, django_cache.get, _lockout_key(username))
    if record is None or record["count"] < settings.LOGIN_FAILURE_LIMIT:
        return
    retry_after = int(record["first_at"] + settings.LOGIN_LOCKOUT_SECONDS - time.time()) + 1
    if retry_after > 0:
        raise LoginLockedOut(retry_after=retry_after)


def login_failure_record(*, username: str) -> None:
    """Count one wrong password for `username` (the window starts at the first failure)."""
    key = _lockout_key(username)
    record = _cache_call(None, django_cache.get, key) or {"count": 0, "first_at": time.time()}
    record = {"count": record["count"] + 1, "first_at": record["first_at"]}
    remaining = max(1, int(record["first_at"] + settings.LOGIN_LOCKOUT_SECONDS - time.time()) + 1)
    _cache_call(None, django_cache.set, key, record, remaining)


def login_failures_clear(*, username: str) -> None:
    _cache_call(None, django_cache.delete, _lockout_key(username))


def player_authenticate(*, request, username: str, password: str):
    """The user with these credentials, counting wrong passwords per username.

    Raises LoginLockedOut (429) after LOGIN_FAILURE_LIMIT wrong passwords within
    LOGIN_LOCKOUT_SECONDS, even for the right one, and DomainError `invalid_credentials`
    for a wrong one. Unknown names count too, so the lockout does not reveal who exists.
    """
    username = username_normalize(username)
    login_lockout_check(username=username)
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_failure_record(username=username)
        raise DomainError("Unknown username or wrong password.", code="invalid_credentials", status_code=400)
    login_failures_clear(username=username)
    return user
