"""The organisation's overview: sign in with GitHub, see the open findings of the repositories you can
access (and only those)."""
