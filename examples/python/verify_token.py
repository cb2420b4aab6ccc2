#!/usr/bin/env python3
"""Verify a Scanlogin website token in Python, against the service's published keys (JWKS).

A website gets this token when its backend redeems a QR login's ticket; it keeps it (in an
HttpOnly cookie, say) and verifies it on each later request. Requires PyJWT 2 with its
cryptography extra (`pip install "pyjwt[crypto]"`; on Debian `apt install python3-jwt
python3-cryptography`).

    SCANLOGIN_ISSUER=https://login.example.com SCANLOGIN_APP_ID=<app id> \\
        python3 verify_token.py <token>        # or '-' to read the token from stdin

Prints the claims as JSON and exits 0, or prints why the token is refused and exits 1.
"""
import json
import os
import sys

import jwt


class ScanloginVerifier:
    """Checks a token's ES256 signature against the JWKS, then iss, aud, exp and its use.

    Create one and reuse it: the keys are fetched once and again only when a token names a
    key id not seen yet (after a key rotation).
    """

    def __init__(self, issuer, audience, jwks_url=None, leeway=30):
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self.leeway = leeway
        self.jwks = jwt.PyJWKClient(jwks_url or f"{self.issuer}/.well-known/jwks.json")

    def verify(self, token):
        token = token.strip()
        if token.lower().startswith("bearer "):
            token = token[7:].strip()
        # The same keys also sign the QR codes' payloads, with another typ: never accept those.
        if jwt.get_unverified_header(token).get("typ", "JWT") != "JWT":
            raise jwt.InvalidTokenError("not a token (typ)")
        key = self.jwks.get_signing_key_from_jwt(token)
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["ES256"],
            issuer=self.issuer,
            audience=self.audience,
            leeway=self.leeway,
            options={"require": ["exp", "iat", "sub", "jti"]},
        )
        # Website tokens come from a ticket exchange; the phone app's own tokens are refused.
        if claims.get("token_use") != "web":
            raise jwt.InvalidTokenError("not a website token")
        return claims


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    issuer = os.environ.get("SCANLOGIN_ISSUER")
    audience = os.environ.get("SCANLOGIN_APP_ID")
    if not issuer or not audience:
        print("set SCANLOGIN_ISSUER and SCANLOGIN_APP_ID", file=sys.stderr)
        return 2
    token = sys.stdin.read() if argv[1] == "-" else argv[1]
    verifier = ScanloginVerifier(issuer, audience, os.environ.get("SCANLOGIN_JWKS_URL"))
    try:
        claims = verifier.verify(token)
    except jwt.PyJWTError as err:
        print(f"invalid token: {err}", file=sys.stderr)
        return 1
    print(json.dumps(claims, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
