"""Reading the store: safe SPARQL (safety, worker, runner), result formats, saved questions, the
entity network (network) and what is derived from it (path), counts (stats), SHACL checks (validate)."""
