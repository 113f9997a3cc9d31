"""Pages, one module a feature: curriculum, joining, classes, student work, marking,
exports and home."""
