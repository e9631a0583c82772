"""Decentralized NATS authentication for the tests: an operator, its accounts and their users,
signed here with `nkeys`, so that a real `nats-server` checks real credentials files.

A credentials file (`.creds`) holds a user's JWT, signed by its account, and the user's seed,
with which the client signs the server's nonce. The server trusts the operator's JWT, knows the
accounts from `resolver_preload` (a MEMORY resolver), and needs a system account for JetStream.
`nsc` would make all this; it is not packaged for Debian, and the formats are small.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

import nkeys

# An account's limits: -1 is "no limit"; the storage ones turn JetStream on for the account.
_NO_LIMITS = ("subs", "data", "payload", "imports", "exports", "conn", "leaf")
_JETSTREAM = ("mem_storage", "disk_storage", "streams", "consumer")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_key(prefix: int) -> Any:
    """A new key pair of the kind `prefix` names (nkeys.PREFIX_BYTE_OPERATOR, ...)."""
    return nkeys.from_seed(bytearray(nkeys.encode_seed(os.urandom(32), prefix)))


def public(key: Any) -> str:
    return str(key.public_key.decode())


def signed_jwt(signer: Any, subject: str, name: str, nats: dict[str, Any]) -> str:
    """A NATS JWT (version 2 claims) about `subject`, signed by `signer`."""
    claims: dict[str, Any] = {
        "iat": int(time.time()),
        "iss": public(signer),
        "name": name,
        "sub": subject,
        "nats": {**nats, "version": 2},
    }
    # The server does not check the id; it only has to be there and unique.
    digest = hashlib.sha256(json.dumps(claims, sort_keys=True).encode()).digest()
    claims["jti"] = base64.b32encode(digest).rstrip(b"=").decode()
    head = _b64(json.dumps({"typ": "JWT", "alg": "ed25519-nkey"}).encode())
    body = _b64(json.dumps(claims).encode())
    return f"{head}.{body}.{_b64(signer.sign(f'{head}.{body}'.encode()))}"


class Operator:
    """An operator with one account for users (JetStream on) and the system account."""

    def __init__(self) -> None:
        self.key = new_key(nkeys.PREFIX_BYTE_OPERATOR)
        self.account = new_key(nkeys.PREFIX_BYTE_ACCOUNT)
        self.system = new_key(nkeys.PREFIX_BYTE_ACCOUNT)
        limits = {name: -1 for name in _NO_LIMITS}
        self.accounts = {
            public(self.account): signed_jwt(
                self.key,
                public(self.account),
                "team",
                {"type": "account", "limits": {**limits, **dict.fromkeys(_JETSTREAM, -1)}},
            ),
            public(self.system): signed_jwt(
                self.key, public(self.system), "SYS", {"type": "account", "limits": limits}
            ),
        }

    def server_config(self, folder: Path) -> Path:
        """A nats-server configuration file that trusts this operator; its path."""
        operator_jwt = folder / "operator.jwt"
        operator_jwt.write_text(
            signed_jwt(self.key, public(self.key), "livefeed-tests", {"type": "operator"})
        )
        preload = ", ".join(f'{key}: "{jwt}"' for key, jwt in self.accounts.items())
        config = folder / "operator.conf"
        config.write_text(
            f"operator: {json.dumps(str(operator_jwt))}\n"
            "resolver: MEMORY\n"
            f"system_account: {public(self.system)}\n"
            f"resolver_preload: {{ {preload} }}\n"
        )
        return config

    def user_creds(self, folder: Path, name: str, *, account: Any = None) -> tuple[Path, str]:
        """A credentials file for a new user of `account` (this operator's user account when
        None) and the user's seed, the secret in it."""
        signer = self.account if account is None else account
        user = new_key(nkeys.PREFIX_BYTE_USER)
        jwt = signed_jwt(
            signer,
            public(user),
            name,
            {"type": "user", "pub": {}, "sub": {}, "subs": -1, "data": -1, "payload": -1},
        )
        seed = str(user.seed.decode())
        path = folder / f"{name}.creds"
        path.write_text(
            "-----BEGIN NATS USER JWT-----\n"
            f"{jwt}\n"
            "------END NATS USER JWT------\n\n"
            "-----BEGIN USER NKEY SEED-----\n"
            f"{seed}\n"
            "------END USER NKEY SEED------\n"
        )
        return path, seed
