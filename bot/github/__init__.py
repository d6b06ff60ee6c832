"""The edge: every byte to and from GitHub passes through here, and only here (PyGithub, pyjwt, httpx)."""
