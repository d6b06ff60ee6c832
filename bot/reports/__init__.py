"""Pure renderers: findings in, text out (terminal, JSON, SARIF, check runs, review comments). No I/O."""
