"""Serverless Secrets Bot: keeps hard-coded secrets out of serverless manifests."""

__version__ = "0.1.0"
