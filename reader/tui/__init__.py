"""The Textual app: it only calls the engine in reader.core."""
