"""The pure scanner: bytes in, findings out.

Nothing in this package touches the network, the environment, the clock or the disk beyond what the caller
hands it, and nothing here ever resolves a reference (`${env:...}`, `${file(...)}`) against the host.
A value that reaches a `Finding` only survives as a redacted preview and a keyed fingerprint.
"""
