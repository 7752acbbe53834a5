"""Rule packs: YAML data validated by a schema and compiled into matcher input."""
