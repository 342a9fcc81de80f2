"""Entity resolution: one real-world entity, one IRI.

``normalize`` turns names into comparison keys, ``resolver`` merges mentions of one entity across
all sources (conservatively), ``curation`` re-applies the investigator's decisions on every build,
``suggest`` proposes likely duplicates for review instead of merging them.
"""
