"""Project policy applied after the checks: config, suppressions, baseline, --diff."""
