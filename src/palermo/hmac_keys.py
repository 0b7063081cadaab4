"""Keys for keyed digests (HMAC), one per purpose, derived from PALERMO_HMAC_KEY.

Apart from the encryption keyring: the audit chain, tip receipts, recovery codes and the blind
indexes all digest with these keys, and the audit log sits below encryption (key rotation writes
audit entries), so these keys live at the bottom where every layer may use them.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from django.conf import settings


@functools.cache
def _subkey(master: str, purpose: str) -> bytes:
    return hmac.new(master.encode(), f"palermo/{purpose}".encode(), hashlib.sha256).digest()


# Digests that cannot be computed again later: the audit chain (its entries are sealed once), tip receipts
# (only the reporter holds the receipt) and recovery codes (only the user holds them). They derive from
# PALERMO_RECORD_HMAC_KEY when it is set, so that PALERMO_HMAC_KEY can be replaced and the search
# indexes rebuilt (`palermo people reindex`, `palermo tips index-places --all`) without breaking them.
RECORD_PURPOSES = frozenset({"audit-chain", "tip-receipt", "recovery-code"})


def hmac_key(purpose: str) -> bytes:
    """A key for one purpose, derived from PALERMO_HMAC_KEY (or PALERMO_RECORD_HMAC_KEY, see above)."""
    master = settings.PALERMO_HMAC_KEY
    if purpose in RECORD_PURPOSES:
        master = settings.PALERMO_RECORD_HMAC_KEY or master
    return _subkey(master, purpose)
