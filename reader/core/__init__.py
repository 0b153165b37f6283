"""The engine: config, cache, fetching, parsing, rendering, quotes. No UI imports here."""
