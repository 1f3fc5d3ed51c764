"""Identities from outside: OpenID Connect bearer tokens (JWT) checked against the issuer's keys."""
