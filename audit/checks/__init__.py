"""From matcher hits to findings: context, citations, sources, links, the sentence model."""
