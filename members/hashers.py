"""The password hasher, tuned for the machine that signs members in.

Django's Argon2PasswordHasher defaults (t=2, 100 MiB, 8 lanes) cost ≈285 ms of CPU per hash on
the 2-core production box — as much as the PBKDF2 it would replace. These parameters are OWASP's
first recommended Argon2id setting (m = 19 MiB, t = 2, p = 1, "Password Storage Cheat Sheet",
equivalent in strength to PBKDF2-SHA256 at 600,000 iterations and far costlier to attack on a GPU,
since every guess needs its 19 MiB): ≈35 ms of CPU here (bench/signin.py, bench/rush.py).

Hashes made with other parameters (or by PBKDF2, which stays in PASSWORD_HASHERS after this one)
still verify and are re-hashed with these on the next successful sign-in: Django's check_password
upgrades whenever the preferred hasher or its parameters differ.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class TunedArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with time, memory (KiB) and lanes from settings.ARGON2_PARAMETERS."""

    @property
    def time_cost(self) -> int:
        return settings.ARGON2_PARAMETERS["time_cost"]

    @property
    def memory_cost(self) -> int:
        return settings.ARGON2_PARAMETERS["memory_cost"]

    @property
    def parallelism(self) -> int:
        return settings.ARGON2_PARAMETERS["parallelism"]
