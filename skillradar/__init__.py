"""skillradar: the app shell (CLI, configuration, the pipeline that wires the stages)."""

__version__ = "0.1.0"
