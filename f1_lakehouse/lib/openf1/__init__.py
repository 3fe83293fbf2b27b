"""OpenF1 source: HTTP client, rate limiting, declared bronze schemas, session mapping, replay."""
