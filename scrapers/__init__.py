"""Collection: polite HTTP, one module per public job-board feed, each a pure parser plus a thin fetch.

This package sits on the bottom floor: it knows nothing of extraction, the warehouse or the CLI.
"""
