"""Built-in sources, one module each; every module registers itself on import."""
