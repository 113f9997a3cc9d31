"""Workflows that touch several models, one module a feature: classes (joining, rosters,
passwords), curriculum (duplicating, what a deletion takes), student work (saves,
highlights, links, submitting) and marking."""
