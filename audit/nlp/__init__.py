"""The spaCy pipeline: tokenizer, block-aware sentences, the claim matcher and its gate."""
