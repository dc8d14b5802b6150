"""Shared pieces every other ui package may use: theme and colours, icons, the UI language, parameter editors,
path fields and image conversion. Nothing here imports another ui package."""
