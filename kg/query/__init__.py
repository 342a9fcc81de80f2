"""SPARQL for investigators: safe running (safety, worker, runner), result formats, saved questions."""
