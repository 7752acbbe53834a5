"""The vocabulary every layer speaks: findings, results, severities, errors (no spaCy)."""
