"""Article text -> entities, roles and attributed claims with evidence (pure functions).

Entry points: :func:`kg.extract.run.extract_text` and :func:`kg.extract.run.extract_many`.
"""
