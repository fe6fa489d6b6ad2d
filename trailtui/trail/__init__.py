"""The trail: engagement kinds, cadence and who is due (no UI, no HTTP)."""
